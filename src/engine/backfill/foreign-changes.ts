import type { ChangeCause, Segment } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { EngineRepos } from '../engine-repos.js';
import type { WorkspaceRules } from '../workspace-rules.js';
import { recompute } from './recompute.js';

/** Where the engine is: its instant and its cursor, which a backfill must agree with. */
export interface EnginePoint {
  readonly t: number;
  readonly uptoSeq: number;
  /** The engine's partition, if it runs one: only its profiles are recomputed (`uptoSeq` is its cursor). */
  readonly partition?: { readonly index: number; readonly count: number } | undefined;
  /** The log's number of partitions (timers are stored with their profile's partition). */
  readonly partitions?: number;
  /** The engine's fencing check, run in each write transaction of the backfill. */
  readonly fence?: (tx: EngineRepos) => Promise<void>;
}

/**
 * Backfills the segments that another process created, edited or deleted (it saved them while its engine was a
 * standby, so nobody recomputed them): compares the rules compiled before a reload with those after, and for each
 * workspace that differs recomputes the changed segments with their exclusive-group peers and the segments that
 * read them, with the causes the segment service gives (`backfill`, `rule_edit`, `segment_deleted`,
 * `dependency`). Runs on the active engine, inside its task queue.
 */
export async function backfillForeignChanges(
  store: Store,
  before: ReadonlyMap<string, WorkspaceRules>,
  after: ReadonlyMap<string, WorkspaceRules>,
  at: EnginePoint,
): Promise<void> {
  for (const workspaceId of new Set([...before.keys(), ...after.keys()])) {
    const old = segmentsOf(before.get(workspaceId));
    const now = segmentsOf(after.get(workspaceId));
    const causes = new Map<string, ChangeCause>();
    const removed: Segment[] = [];
    for (const [id, s] of now) {
      const was = old.get(id);
      if (was === undefined) causes.set(id, { kind: 'backfill' });
      else if (was.version !== s.version || was.priority !== s.priority || was.group !== s.group) causes.set(id, { kind: 'rule_edit' });
    }
    for (const [id, s] of old) if (!now.has(id)) removed.push(s);
    if (causes.size === 0 && removed.length === 0) continue;
    const rules = after.get(workspaceId);
    if (rules === undefined) continue; // Every segment of the workspace was deleted: the service's deletions exit them.
    const changed = [...causes.keys(), ...removed.map((s) => s.id)];
    const names = new Set([...changed.map((id) => (now.get(id) ?? old.get(id))?.name)].filter((n): n is string => n !== undefined));
    const groups = new Set([...changed.map((id) => (now.get(id) ?? old.get(id))?.group)].filter((g): g is string => typeof g === 'string'));
    const affected = new Set<string>(causes.keys());
    for (const live of rules.byId.values()) {
      const s = live.segment;
      if ((s.group !== null && groups.has(s.group)) || [...live.rule.footprint.segments].some((n) => names.has(n))) affected.add(s.id);
    }
    const first = changed[0] as string;
    await recompute({
      store,
      rules,
      segmentIds: affected,
      removed: removed.map((s) => ({ id: s.id, version: s.version })),
      t: at.t,
      uptoSeq: at.uptoSeq,
      partition: at.partition,
      partitions: at.partitions,
      fence: at.fence,
      causeFor: (id) => causes.get(id) ?? { kind: 'dependency', segmentId: first },
      write: true,
    });
  }
}

function segmentsOf(rules: WorkspaceRules | undefined): Map<string, Segment> {
  return new Map([...(rules?.byId.values() ?? [])].map((live) => [live.segment.id, live.segment]));
}
