import type { ChangeCause } from '../../core/index.js';
import type { MembershipWrite } from '../../membership/index.js';
import { partitionOf } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { engineReposOf, inEngineTransaction } from '../engine-repos.js';
import type { EngineRepos } from '../engine-repos.js';
import { evaluateProfile } from '../evaluate-profile.js';
import type { TimerWrite } from '../evaluate-profile.js';
import { historyItemsOf } from '../state/history-from-events.js';
import { ProfileState } from '../state/profile-state.js';
import type { WorkspaceRules } from '../workspace-rules.js';
import { eventSelectionOf } from './event-selection.js';

/** Rows per page of the history scan. */
const PAGE_SIZE = 5000;

/** Per segment: the size after recomputation and the diff against the stored members. */
export interface RecomputeDiff {
  size: number;
  entered: number;
  exited: number;
  sampleEntered: string[];
  sampleExited: string[];
}

/** What to recompute. */
export interface RecomputeRequest {
  readonly store: Store;
  /** The workspace's rules as they will be (the new or edited segment included, a deleted one left out). */
  readonly rules: WorkspaceRules;
  /** Segments to evaluate under `rules` (with their exclusive-group peers and dependents already added). */
  readonly segmentIds: ReadonlySet<string>;
  /** Segments being deleted: every member exits. */
  readonly removed?: readonly { readonly id: string; readonly version: number }[];
  /** The evaluation instant. */
  readonly t: number;
  /** Only events up to this log position (the engine's cursor, so backfill and engine agree). */
  readonly uptoSeq: number;
  readonly causeFor: (segmentId: string) => ChangeCause;
  /** Persist the changes and timers (false: a dry run). */
  readonly write: boolean;
  /** Profiles per transaction when writing (default 2000). */
  readonly batchProfiles?: number;
  /** Recompute only the profiles one partition's engine owns (`uptoSeq` is then that engine's cursor). */
  readonly partition?: { readonly index: number; readonly count: number } | undefined;
  /** The log's number of partitions (timers are stored with their profile's partition; default 1). */
  readonly partitions?: number | undefined;
  /** The owning engine's fencing check, run first in every write transaction. */
  readonly fence?: ((tx: EngineRepos) => Promise<void>) | undefined;
  readonly sampleSize?: number;
}

/**
 * Backfill: evaluates the given segments over the stored history of every profile of the workspace in one
 * streaming pass, diffs against the stored members, and (when writing) records the changes and replaces the
 * segments' timers, in batched transactions. Profiles that are members but have no history left (merged away)
 * exit.
 */
export async function recompute(req: RecomputeRequest): Promise<Map<string, RecomputeDiff>> {
  const { store, rules, t } = req;
  const sampleSize = req.sampleSize ?? 10;
  const batchProfiles = req.batchProfiles ?? 2000;
  const { membership } = engineReposOf(store);
  const part = req.partition;
  const owned = (ids: Set<string>): Set<string> =>
    part === undefined ? ids : new Set([...ids].filter((id) => partitionOf(id, part.count) === part.index));
  const current = new Map<string, Set<string>>();
  const diffs = new Map<string, RecomputeDiff>();
  for (const id of req.segmentIds) {
    current.set(id, owned(await membership.allMemberIds(id)));
    diffs.set(id, { size: 0, entered: 0, exited: 0, sampleEntered: [], sampleExited: [] });
  }
  let changes: MembershipWrite[] = [];
  let timers: TimerWrite[] = [];
  let profilesInBatch = 0;
  const flush = async (): Promise<void> => {
    if (req.write && (changes.length > 0 || timers.length > 0)) {
      const batch = { changes, timers };
      await inEngineTransaction(store, async (tx) => {
        await req.fence?.(tx);
        await tx.membership.record(batch.changes, t);
        for (const w of batch.timers) await tx.timers.set(w.workspaceId, w.segmentId, w.profileId, w.dueAt, req.partitions);
      });
    }
    changes = [];
    timers = [];
    profilesInBatch = 0;
  };
  const note = (w: MembershipWrite): void => {
    const diff = diffs.get(w.segmentId);
    if (diff === undefined) return;
    if (w.kind === 'entered') {
      diff.entered += 1;
      if (diff.sampleEntered.length < sampleSize) diff.sampleEntered.push(w.profileId);
    } else {
      diff.exited += 1;
      if (diff.sampleExited.length < sampleSize) diff.sampleExited.push(w.profileId);
    }
  };

  if (req.write) {
    await inEngineTransaction(store, async (tx) => {
      await req.fence?.(tx);
      for (const id of req.segmentIds) await tx.timers.deleteSegment(id, part?.index);
      for (const r of req.removed ?? []) await tx.timers.deleteSegment(r.id, part?.index);
    });
  }

  // Reading only the events some rule reads skips profiles that have none of them. A skipped profile's state
  // is the empty one for every rule, so it stays out of any segment that does not hold on an empty history; with
  // no current members either, skipping it changes nothing (with members, their exits would move to the end).
  const skipIdle = ![...req.segmentIds].some((id) => rules.vacuous.has(id) || (current.get(id)?.size ?? 0) > 0);
  const only = skipIdle ? eventSelectionOf(rules) : undefined;
  const seen = new Set<string>();
  // A deleted segment's members exit first: a person its group peers now take in must leave it before entering
  // another segment of the group (exits before entries, see docs/segments.md).
  for (const r of req.removed ?? []) {
    for (const profileId of owned(await membership.allMemberIds(r.id))) {
      changes.push(exit(rules.workspaceId, r.id, r.version, profileId, t, { kind: 'segment_deleted' }));
    }
  }
  for await (const { profileId, events } of store.events.scanHistories(rules.workspaceId, {
    uptoSeq: req.uptoSeq,
    pageSize: PAGE_SIZE,
    only,
    ...(part === undefined ? {} : { partition: part }),
  })) {
    seen.add(profileId);
    const state = new ProfileState(rules.workspaceId, profileId, rules.spec);
    for (const e of events) state.apply(e.seq, historyItemsOf(e));
    const members = new Map<string, number>();
    for (const [id, set] of current) if (set.has(profileId)) members.set(id, 0);
    const fx = evaluateProfile(rules, { state, members, timers: new Map() }, req.segmentIds, t, { kind: 'backfill' });
    for (const w of fx.changes) {
      const change = { ...w, cause: req.causeFor(w.segmentId) };
      changes.push(change);
      note(change);
    }
    for (const id of req.segmentIds) if (members.has(id)) (diffs.get(id) as RecomputeDiff).size += 1;
    timers.push(...fx.timers);
    if (++profilesInBatch >= batchProfiles) await flush();
  }
  // Members with no history left (their events moved to another profile in a merge) leave.
  for (const [id, set] of current) {
    const live = rules.byId.get(id);
    for (const profileId of set) {
      if (seen.has(profileId) || live === undefined) continue;
      const change = exit(rules.workspaceId, id, live.segment.version, profileId, t, req.causeFor(id));
      changes.push(change);
      note(change);
    }
  }
  await flush();
  return diffs;
}

function exit(workspaceId: string, segmentId: string, segmentVersion: number, profileId: string, at: number, cause: ChangeCause): MembershipWrite {
  return { workspaceId, segmentId, segmentVersion, profileId, kind: 'exited', at, cause };
}
