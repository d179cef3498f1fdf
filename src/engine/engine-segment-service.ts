import { newId } from '../core/index.js';
import type { ChangeCause, Member, Segment } from '../core/index.js';
import { resolveProfileReference } from '../ingest/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import type { SqlChangeLog } from '../membership/index.js';
import { explain } from '../rules/index.js';
import type { Condition } from '../rules/index.js';
import type { Store } from '../store/index.js';
import { BackfillRepoSql } from './backfill/backfill-repo-sql.js';
import { planBackfill } from './backfill/plan-backfill.js';
import { recompute } from './backfill/recompute.js';
import { EvalContext } from './compile/eval-context.js';
import type { Engine } from './engine.js';
import { acceptRule } from './rule-input.js';
import { SegmentRepoSql } from './segment-repo-sql.js';
import type {
  BackfillStatus,
  ChangeOptions,
  DryRunResult,
  MemberPage,
  SegmentExplanation,
  SegmentInput,
  SegmentResult,
  SegmentService,
} from './segment-service.js';
import { historyFromEvents, historyItemsOf } from './state/history-from-events.js';
import { ProfileState } from './state/profile-state.js';
import { conditionOf, WorkspaceRules } from './workspace-rules.js';

const DRY_RUN_ID = '\u0000dry-run';

/** Advisory lock class serialising segment creation across processes (PostgreSQL; SQLite has one writer). */
const SEGMENT_CREATE_LOCK_CLASS = 0x5ef5;

/** A segment of the same name was created by another process between the name check and the save. */
class NameTakenMeanwhile extends Error {}

/**
 * What the segment service needs of the engine: the single {@link Engine}, or a cluster process's
 * `ClusterWorker`, which presents itself as a standby whose backfills are split by partition (each partition's
 * engine runs its own checkpoint when it sees the new rules) and waits for them in the database.
 */
export type SegmentEngine = Pick<Engine, 'exclusive' | 'now' | 'position' | 'role' | 'loadRules' | 'wake' | 'backfillSettled' | 'backfillByPartition'>;

/**
 * The {@link SegmentService} backed by the engine. A change is saved inside `engine.exclusive` together with the
 * backfills it starts (one checkpoint row per affected segment: the one changed, its exclusive group, the segments
 * reading it through `in_segment`, see {@link planBackfill}); the engine reloads its rules and recomputes them in
 * the background, in bounded slices between event batches (see `backfill/backfill-runner.ts`), recording the diff
 * as changes (cause `backfill` for a new segment, `rule_edit` for an edit, `segment_deleted`, `dependency` for the
 * others). The call waits for the backfill unless `wait: false`; events keep flowing meanwhile either way.
 */
export class EngineSegmentService implements SegmentService {
  private readonly segments: SegmentRepoSql;
  private readonly membership: MembershipRepoSql;

  constructor(
    private readonly store: Store,
    private readonly engine: SegmentEngine,
    private readonly changeLog?: SqlChangeLog,
  ) {
    this.segments = new SegmentRepoSql(store.sql);
    this.membership = new MembershipRepoSql(store.sql);
  }

  list(workspaceId: string): Promise<Segment[]> {
    return this.segments.list(workspaceId);
  }

  async names(workspaceId: string): Promise<Map<string, string>> {
    // The version history keeps deleted segments (marked deleted), so a change log entry of a deleted segment
    // still shows the name it had. Rows are few per segment; picking the latest version here keeps the SQL
    // plain on both dialects.
    const rows = await this.store.sql.query<{ segment_id: string; name: string; version: number | string }>(
      'SELECT segment_id, name, version FROM segment_versions WHERE workspace_id = $1',
      [workspaceId],
    );
    const latest = new Map<string, { name: string; version: number }>();
    for (const r of rows) {
      const version = Number(r.version);
      const seen = latest.get(r.segment_id);
      if (seen === undefined || seen.version < version) latest.set(r.segment_id, { name: r.name, version });
    }
    const names = new Map([...latest].map(([id, v]) => [id, v.name] as const));
    for (const s of await this.segments.list(workspaceId)) names.set(s.id, s.name);
    return names;
  }

  get(workspaceId: string, idOrName: string): Promise<Segment | undefined> {
    return this.segments.get(workspaceId, idOrName);
  }

  async create(workspaceId: string, input: SegmentInput, options: ChangeOptions = {}): Promise<SegmentResult<Segment>> {
    return this.settled(workspaceId, options, async () => {
      const all = await this.segments.list(workspaceId);
      if (all.some((s) => s.name === input.name)) return { ok: false, error: { kind: 'name_taken', name: input.name } };
      const accepted = acceptRule(input.rule, input.name, conditionsOf(all));
      if (!accepted.ok) return { ok: false, error: { kind: 'invalid_rule', diagnostics: accepted.problems } };
      const now = this.engine.now();
      const segment: Segment = {
        id: newId('seg'),
        workspaceId,
        name: input.name,
        description: input.description ?? '',
        version: 1,
        ruleText: accepted.text,
        ruleJson: accepted.json,
        group: input.group ?? null,
        priority: input.priority ?? 0,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.applyChange(workspaceId, all, segment, undefined, { kind: 'backfill' });
      } catch (error) {
        if (error instanceof NameTakenMeanwhile) return { ok: false, error: { kind: 'name_taken', name: input.name } };
        throw error;
      }
      return { ok: true, value: segment, warnings: accepted.warnings };
    });
  }

  async update(workspaceId: string, idOrName: string, input: SegmentInput, options: ChangeOptions = {}): Promise<SegmentResult<Segment>> {
    return this.settled(workspaceId, options, async () => {
      const all = await this.segments.list(workspaceId);
      const existing = findIn(all, idOrName);
      if (existing === undefined) return { ok: false, error: { kind: 'not_found', id: idOrName } };
      if (input.name !== existing.name && all.some((s) => s.name === input.name)) {
        return { ok: false, error: { kind: 'name_taken', name: input.name } };
      }
      const others = conditionsOf(all.filter((s) => s.id !== existing.id));
      const accepted = acceptRule(input.rule, input.name, others);
      if (!accepted.ok) return { ok: false, error: { kind: 'invalid_rule', diagnostics: accepted.problems } };
      const unchanged =
        accepted.text === existing.ruleText &&
        input.name === existing.name &&
        (input.group ?? null) === existing.group &&
        (input.priority ?? 0) === existing.priority &&
        (input.description ?? existing.description) === existing.description;
      // Saving the same definition again is a no-op (what makes `segflow apply` idempotent).
      if (unchanged) return { ok: true, value: existing, warnings: accepted.warnings };
      const segment: Segment = {
        ...existing,
        name: input.name,
        description: input.description ?? existing.description,
        version: existing.version + 1,
        ruleText: accepted.text,
        ruleJson: accepted.json,
        group: input.group ?? null,
        priority: input.priority ?? 0,
        updatedAt: this.engine.now(),
      };
      await this.applyChange(workspaceId, all, segment, existing, { kind: 'rule_edit' });
      return { ok: true, value: segment, warnings: accepted.warnings };
    });
  }

  async delete(
    workspaceId: string,
    idOrName: string,
    options: { readonly cascade?: boolean } & ChangeOptions = {},
  ): Promise<SegmentResult<Segment>> {
    return this.settled(workspaceId, options, async () => {
      const all = await this.segments.list(workspaceId);
      const existing = findIn(all, idOrName);
      if (existing === undefined) return { ok: false, error: { kind: 'not_found', id: idOrName } };
      // Deleting a segment others read through in_segment would empty them without a word: the caller must
      // see who depends on it and say `cascade` to go ahead.
      const dependents = dependentsOf(workspaceId, all, existing);
      if (dependents.length > 0 && options.cascade !== true) {
        return { ok: false, error: { kind: 'has_dependents', name: existing.name, dependents } };
      }
      await this.applyChange(workspaceId, all, undefined, existing, { kind: 'segment_deleted' });
      return { ok: true, value: existing, warnings: [] };
    });
  }

  async dryRun(workspaceId: string, input: SegmentInput): Promise<SegmentResult<DryRunResult>> {
    return this.engine.exclusive(async () => {
      const all = await this.segments.list(workspaceId);
      const existing = all.find((s) => s.name === input.name);
      const others = all.filter((s) => s.id !== existing?.id);
      const accepted = acceptRule(input.rule, input.name, conditionsOf(others));
      if (!accepted.ok) return { ok: false, error: { kind: 'invalid_rule', diagnostics: accepted.problems } };
      const t = this.engine.now();
      // Evaluate the candidate under a private id, diffed against the current version's members.
      const candidate: Segment = {
        id: existing?.id ?? DRY_RUN_ID,
        workspaceId,
        name: input.name,
        description: '',
        version: (existing?.version ?? 0) + 1,
        ruleText: accepted.text,
        ruleJson: accepted.json,
        group: input.group ?? null,
        priority: input.priority ?? 0,
        createdAt: t,
        updatedAt: t,
      };
      const rules = new WorkspaceRules(workspaceId, [...others, candidate]);
      const diffs = await recompute({
        store: this.store,
        rules,
        segmentIds: new Set([candidate.id]),
        t,
        uptoSeq: this.engine.position,
        causeFor: () => ({ kind: 'backfill' }),
        write: false,
      });
      const diff = diffs.get(candidate.id);
      const size = diff === undefined ? 0 : diff.size;
      return {
        ok: true,
        value: {
          size,
          entered: diff?.entered ?? 0,
          exited: diff?.exited ?? 0,
          sampleEntered: diff?.sampleEntered ?? [],
          sampleExited: diff?.sampleExited ?? [],
          warnings: accepted.warnings,
          at: t,
        },
        warnings: accepted.warnings,
      };
    });
  }

  async backfill(workspaceId: string, idOrName: string): Promise<BackfillStatus | undefined> {
    const segment = await this.segments.get(workspaceId, idOrName);
    if (segment === undefined) return undefined;
    // In a cluster: the sum over the partitions' checkpoints.
    const job = await new BackfillRepoSql(this.store.sql).summary(segment.id);
    if (job === undefined) return undefined;
    return { state: job.state, version: job.segmentVersion, done: job.done, total: job.total, startedAt: job.startedAt, updatedAt: job.updatedAt };
  }

  /**
   * Runs a change inside the engine's task queue, then (unless `wait: false`) waits, outside the queue, for the
   * workspace's backfills to finish while the engine interleaves them with events: the single engine's in memory
   * (a standby does not wait), a cluster's every partition in the database.
   */
  private async settled<T>(workspaceId: string, options: ChangeOptions, change: () => Promise<SegmentResult<T>>): Promise<SegmentResult<T>> {
    const result = await this.engine.exclusive(change);
    if (result.ok) {
      this.engine.wake();
      if (options.wait !== false) await this.engine.backfillSettled(workspaceId);
    }
    return result;
  }

  async members(workspaceId: string, idOrName: string, page: { after?: string; limit: number }): Promise<SegmentResult<MemberPage>> {
    const segment = await this.segments.get(workspaceId, idOrName);
    if (segment === undefined) return { ok: false, error: { kind: 'not_found', id: idOrName } };
    const limit = Math.max(1, Math.min(page.limit, 10_000));
    const rows: Member[] = await this.membership.members(segment.id, page.after ?? null, limit + 1);
    const members = rows.slice(0, limit);
    const next = rows.length > limit ? (members.at(-1)?.profileId ?? null) : null;
    return { ok: true, value: { members, next, total: await this.membership.count(segment.id) }, warnings: [] };
  }

  async explain(workspaceId: string, idOrName: string, profileRef: string): Promise<SegmentResult<SegmentExplanation>> {
    const all = await this.segments.list(workspaceId);
    const segment = findIn(all, idOrName);
    if (segment === undefined) return { ok: false, error: { kind: 'not_found', id: idOrName } };
    const profileId = await this.resolveProfile(workspaceId, profileRef);
    if (profileId === undefined) return { ok: false, error: { kind: 'not_found', id: profileRef } };
    const t = this.engine.now();
    const events = await this.store.events.historyOf(workspaceId, profileId);
    const history = historyFromEvents(events);
    const env = { segments: conditionsOf(all) };
    const explanation = explain(conditionOf(segment), history, t, env);
    const member = (await this.membership.member(segment.id, profileId)) !== undefined;
    let excludedBy: string | undefined;
    if (segment.group !== null) {
      const rules = new WorkspaceRules(workspaceId, all);
      const state = new ProfileState(workspaceId, profileId, rules.spec);
      for (const e of [...events].sort((a, b) => a.seq - b.seq)) state.apply(e.seq, historyItemsOf(e));
      const cx = new EvalContext(state, rules.compiledByName);
      const live = rules.byId.get(segment.id);
      if (live !== undefined && live.rule.holds(cx, t) && !live.member(cx, t)) {
        excludedBy = all.find((s) => s.group === segment.group && s.id !== segment.id && rules.byId.get(s.id)?.member(cx, t))?.name;
      }
    }
    return {
      ok: true,
      value: { segmentId: segment.id, profileId, at: t, member, ...(excludedBy !== undefined ? { excludedBy } : {}), explanation },
      warnings: [],
    };
  }

  /** Any profile reference (the shared resolver: `prof_…`, `user_id:…`, `email:…`, a bare id) → the (surviving) profile id. */
  private async resolveProfile(workspaceId: string, ref: string): Promise<string | undefined> {
    const resolved = await resolveProfileReference(this.store.profiles, workspaceId, ref);
    if (resolved !== undefined) return resolved;
    // A profile id with events but no profile row (events appended directly, e.g. by an import).
    const events = await this.store.events.listByProfile(workspaceId, ref, { limit: 1 });
    return events.length > 0 ? ref : undefined;
  }

  /** Saves (or deletes) a segment with the backfills it starts, and reloads the engine's rules. */
  private async applyChange(
    workspaceId: string,
    all: readonly Segment[],
    next: Segment | undefined,
    previous: Segment | undefined,
    cause: ChangeCause,
  ): Promise<void> {
    const changedId = (next ?? previous)?.id as string;
    const after = [...all.filter((s) => s.id !== changedId), ...(next ? [next] : [])];
    const jobs = planBackfill(new WorkspaceRules(workspaceId, after), { next, previous, cause }, this.engine.now());
    await this.store.transaction(async (tx) => {
      const repo = new SegmentRepoSql(tx.sql);
      if (next && !previous) {
        // Another process may create the same name at the same moment (two servers starting at once both
        // register the system segments): serialised, the second sees the first's row and answers name_taken.
        await tx.sql.dialect.serialise(tx.sql, SEGMENT_CREATE_LOCK_CLASS);
        if ((await repo.get(workspaceId, next.name)) !== undefined) throw new NameTakenMeanwhile();
      }
      if (next) await repo.save(next);
      else if (previous) await repo.delete(previous);
      // In the same transaction as the save: whichever process's engine is active (in a cluster, each partition's)
      // finds the backfills with the new segment generation, and a crash cannot leave a saved segment without its
      // backfill.
      await new BackfillRepoSql(tx.sql).start(jobs, this.engine.backfillByPartition ? await tx.events.partitions() : 0);
    });
    // A standby engine writes nothing: the active engine (another process) sees the segments' generation move and
    // runs the backfills itself.
    if (this.engine.role !== 'active') return;
    await this.engine.loadRules();
  }
}

/** Names of the other segments whose rules read `target` through `in_segment`, sorted. */
function dependentsOf(workspaceId: string, all: readonly Segment[], target: Segment): string[] {
  const rules = new WorkspaceRules(workspaceId, all);
  const out: string[] = [];
  for (const live of rules.byId.values()) {
    if (live.segment.id !== target.id && live.rule.footprint.segments.has(target.name)) out.push(live.segment.name);
  }
  return out.sort();
}

function findIn(all: readonly Segment[], idOrName: string): Segment | undefined {
  return all.find((s) => s.id === idOrName) ?? all.find((s) => s.name === idOrName);
}

function conditionsOf(segments: readonly Segment[]): Map<string, Condition> {
  return new Map(segments.map((s) => [s.name, conditionOf(s)]));
}
