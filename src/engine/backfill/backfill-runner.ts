import type { ChangeCause, StoredEvent } from '../../core/index.js';
import type { MembershipWrite } from '../../membership/index.js';
import { partitionOf } from '../../store/index.js';
import type { EngineRepos } from '../engine-repos.js';
import { evaluateProfile } from '../evaluate-profile.js';
import type { TimerWrite } from '../evaluate-profile.js';
import { historyItemsOf } from '../state/history-from-events.js';
import { ProfileState } from '../state/profile-state.js';
import type { WorkspaceRules } from '../workspace-rules.js';
import type { BackfillJob } from './backfill-repo-sql.js';
import { compareProfileIds } from './compare-profile-ids.js';
import { eventSelectionOf } from './event-selection.js';

/** How big one slice is: it stops after whichever bound it reaches first (at a profile boundary). */
export interface BackfillSliceOptions {
  /** Profiles per slice (default 100). */
  readonly profiles?: number;
  /** Stored events read per slice (default 2,000). */
  readonly events?: number;
}

/** What the engine gives a slice: where it is, and a transaction fenced by its lease. */
export interface SliceContext {
  readonly rules: ReadonlyMap<string, WorkspaceRules>;
  /** The evaluation instant (the engine's). */
  readonly t: number;
  /** The engine's cursor: the slice reads the history up to here, as the live path has applied it. */
  readonly uptoSeq: number;
  /** Runs `fn` in one transaction that commits only while the engine still holds its lease. */
  readonly transaction: <T>(fn: (tx: EngineRepos) => Promise<T>) => Promise<T>;
}

/** What a committed slice changed, for the engine's cache, timer heap and change-log notification. */
export interface SliceEffects {
  /** The membership changes the slice committed (a cached entry of their profile must follow them). */
  readonly changes: readonly MembershipWrite[];
  readonly timers: readonly TimerWrite[];
  /** The last change-log seq written (0 if none). */
  readonly lastChange: number;
}

/** One running backfill's progress, for the API and `/metrics`. */
export interface BackfillProgress {
  readonly segmentId: string;
  readonly workspaceId: string;
  readonly done: number;
  readonly total: number;
}

/** A slice found its job replaced by a newer save: its transaction rolls back and the jobs are reloaded. */
class Superseded extends Error {}

/** The partition a runner serves (a partition's engine), out of how many partitions the log has. */
export interface BackfillPartition {
  readonly index: number;
  readonly count: number;
}

/**
 * Runs segment backfills in the background, in bounded slices the engine interleaves with event batches.
 *
 * The invariant: for a segment X with a running backfill whose checkpoint is `after(X)`, a profile P is *done*
 * when P ≤ after(X) (profile id order): its membership in X is exact and the live path keeps it so. A profile
 * above the checkpoint is *frozen* for X: the live path neither evaluates X for it ({@link live}) nor fires X's
 * timers for it ({@link isFrozen}), so its stored membership is left as it was until a slice reaches it. A slice
 * takes the next profiles in id order, evaluates the frozen segments over their history up to the engine's cursor
 * at the engine's instant, exactly as the live path would, and commits the diff, the profiles' timers and the new
 * checkpoint in one transaction fenced by the engine's lease. So an event reaching a frozen profile is counted
 * by the slice (as if it arrived before the backfill), and one reaching a done profile by the live path (as if
 * it arrived after it); either way the final membership is the reference's. A `kill -9` loses at most the
 * uncommitted slice: the checkpoint and the slice's writes commit together.
 *
 * Per workspace, deletions' exits go first (every member of a deleted segment exits before a peer of its
 * exclusive group takes anyone in), then the recomputations, all of them in one pass over the profiles from the
 * smallest checkpoint.
 *
 * In a cluster each partition's engine runs its own runner over its own checkpoints (`segment_backfill_parts`,
 * see `partition`): the same invariant holds per partition, for the profiles the partition owns, against that
 * engine's cursor and fenced by that engine's lease. A profile lives in one partition, so every profile is
 * passed exactly once, by its owner; the job is done when every partition's part is.
 */
export class BackfillRunner {
  private jobs = new Map<string, Map<string, BackfillJob>>();
  private waiters = new Map<string, (() => void)[]>();
  private readonly sliceProfiles: number;
  private readonly sliceEvents: number;

  constructor(
    private readonly repos: EngineRepos,
    options: BackfillSliceOptions = {},
    /** Run the checkpoints of this partition only, for the profiles it owns (a partition's engine). */
    private readonly partition?: BackfillPartition,
  ) {
    this.sliceProfiles = Math.max(1, options.profiles ?? 100);
    this.sliceEvents = Math.max(1, options.events ?? 2000);
  }

  /** Whether any backfill is running. */
  get pending(): boolean {
    return this.jobs.size > 0;
  }

  /** Reloads the running backfills from their checkpoint rows (at start-up, after a takeover, after a segment change). */
  async load(): Promise<void> {
    const jobs = new Map<string, Map<string, BackfillJob>>();
    for (const job of await this.repos.backfills.running(this.partition?.index)) {
      const ws = jobs.get(job.workspaceId) ?? new Map<string, BackfillJob>();
      ws.set(job.segmentId, job);
      jobs.set(job.workspaceId, ws);
    }
    this.jobs = jobs;
    this.settle();
  }

  /** Forgets the jobs held in memory (the engine stopped or lost its lease) and releases every waiter. */
  clear(): void {
    this.jobs.clear();
    for (const list of this.waiters.values()) for (const resolve of list) resolve();
    this.waiters.clear();
  }

  /** The segments of `ids` the live path may evaluate for this profile: those not frozen for it. */
  live(workspaceId: string, profileId: string, ids: Set<string>): Set<string> {
    const ws = this.jobs.get(workspaceId);
    if (ws === undefined) return ids;
    let out: Set<string> | undefined;
    for (const id of ids) {
      const job = ws.get(id);
      if (job === undefined || compareProfileIds(profileId, job.afterProfile) <= 0) continue;
      out ??= new Set(ids);
      out.delete(id);
    }
    return out ?? ids;
  }

  /** Whether segment `segmentId` is frozen for this profile (its backfill has not reached it yet). */
  isFrozen(workspaceId: string, segmentId: string, profileId: string): boolean {
    const job = this.jobs.get(workspaceId)?.get(segmentId);
    return job !== undefined && compareProfileIds(profileId, job.afterProfile) > 0;
  }

  /** Resolves once no backfill of the workspace is running on this engine (or the engine stops). */
  settled(workspaceId: string): Promise<void> {
    if (!this.jobs.has(workspaceId)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(workspaceId, [...(this.waiters.get(workspaceId) ?? []), resolve]));
  }

  /** The running backfills' progress. */
  progress(): BackfillProgress[] {
    return [...this.jobs.values()].flatMap((ws) =>
      [...ws.values()].map((j) => ({ segmentId: j.segmentId, workspaceId: j.workspaceId, done: j.done, total: Math.max(j.total, 0) })),
    );
  }

  /**
   * Runs one bounded slice of the oldest workspace's backfills and commits it. Returns what it changed, or
   * undefined when nothing was committed (no job, or the job was superseded meanwhile and the jobs reloaded).
   */
  async slice(cx: SliceContext): Promise<SliceEffects | undefined> {
    const first = this.jobs.entries().next();
    if (first.done === true) return undefined;
    const [workspaceId, jobs] = first.value;
    try {
      const deletion = [...jobs.values()].find((j) => j.kind === 'delete');
      const effects = deletion !== undefined ? await this.deletionSlice(cx, deletion) : await this.recomputeSlice(cx, workspaceId, jobs);
      this.settle();
      return effects;
    } catch (error) {
      if (!(error instanceof Superseded)) throw error;
      await this.load();
      return undefined;
    }
  }

  /** Whether this runner's engine evaluates the profile (always, unless it serves one partition). */
  private owns(profileId: string): boolean {
    return this.partition === undefined || partitionOf(profileId, this.partition.count) === this.partition.index;
  }

  /**
   * Up to `limit` members of a segment after `after` that this runner owns, and whether the member list ended.
   * A partition's runner pages past the other partitions' members (one page of 1,000 usually holds the next few).
   */
  private async ownedMembers(segmentId: string, after: string | null, limit: number): Promise<{ ids: string[]; last: string | null; ended: boolean }> {
    if (this.partition === undefined) {
      const page = await this.repos.membership.members(segmentId, after, limit);
      return { ids: page.map((m) => m.profileId), last: page.at(-1)?.profileId ?? after, ended: page.length < limit };
    }
    const ids: string[] = [];
    let cursor = after;
    for (;;) {
      const page = await this.repos.membership.members(segmentId, cursor, 1000);
      for (const m of page) {
        cursor = m.profileId;
        if (!this.owns(m.profileId)) continue;
        ids.push(m.profileId);
        if (ids.length === limit) return { ids, last: cursor, ended: false };
      }
      if (page.length < 1000) return { ids, last: cursor, ended: true };
    }
  }

  /** Exits the next members of a deleted segment; marks the job done when none is left. */
  private async deletionSlice(cx: SliceContext, job: BackfillJob): Promise<SliceEffects> {
    // The single engine exits from the first member each time (those exited are gone); a partition's runner
    // moves its checkpoint past the members it passed, the other partitions' ones included.
    const from = this.partition === undefined ? null : job.afterProfile === '' ? null : job.afterProfile;
    const page = await this.ownedMembers(job.segmentId, from, this.sliceProfiles);
    const changes: MembershipWrite[] = page.ids.map((profileId) => exit(job, profileId, cx.t, job.cause));
    const finished = page.ended;
    const next: BackfillJob = {
      ...job,
      afterProfile: this.partition === undefined ? job.afterProfile : (page.last ?? ''),
      done: job.done + page.ids.length,
      state: finished ? 'done' : 'running',
    };
    const lastChange = await cx.transaction(async (tx) => {
      const seq = await tx.membership.record(changes, cx.t);
      if (finished) await tx.timers.deleteSegment(job.segmentId, this.partition?.index);
      await this.advance(tx, job, next, cx.t);
      return seq;
    });
    this.replace(next);
    return { changes, timers: [], lastChange };
  }

  /** Evaluates the workspace's frozen segments for the next profiles in id order, and moves the checkpoints. */
  private async recomputeSlice(cx: SliceContext, workspaceId: string, jobs: ReadonlyMap<string, BackfillJob>): Promise<SliceEffects> {
    const rules = cx.rules.get(workspaceId);
    const live = [...jobs.values()].filter((j) => rules?.byId.has(j.segmentId) === true);
    const gone = [...jobs.values()].filter((j) => rules?.byId.has(j.segmentId) !== true);
    if (rules === undefined || live.length === 0) {
      // Every segment to backfill was deleted meanwhile (the deletion's own job handles its members).
      await cx.transaction(async (tx) => {
        for (const j of gone) await this.advance(tx, j, { ...j, state: 'done' }, cx.t);
      });
      for (const j of gone) this.replace({ ...j, state: 'done' });
      return { changes: [], timers: [], lastChange: 0 };
    }
    const counts = this.repos.backfills;
    const part = this.partition?.index;
    // The first slice of a job fixes the log position its progress counts up to, and counts the total.
    const started = new Map<string, BackfillJob>();
    for (const j of live) {
      if (j.uptoSeq > 0 || cx.uptoSeq === 0) continue;
      const total = await counts.countEvents(workspaceId, '', undefined, cx.uptoSeq, part);
      started.set(j.segmentId, { ...j, uptoSeq: cx.uptoSeq, total, done: 0 });
    }
    const current = live.map((j) => started.get(j.segmentId) ?? j);
    const from = current.map((j) => j.afterProfile).reduce((a, b) => (compareProfileIds(a, b) <= 0 ? a : b));

    // Reading only the events some rule reads skips profiles that have none of them: their state is the empty
    // one, so they stay out of every segment that does not hold on an empty history, and with no member above the
    // checkpoint either, skipping them changes nothing.
    let skipIdle = !current.some((j) => rules.vacuous.has(j.segmentId));
    for (const j of current) {
      if (!skipIdle) break;
      if ((await this.ownedMembers(j.segmentId, j.afterProfile, 1)).ids.length > 0) skipIdle = false;
    }
    const only = skipIdle ? eventSelectionOf(rules) : undefined;
    const histories: { profileId: string; events: StoredEvent[] }[] = [];
    let events = 0;
    let exhausted = true;
    // Small pages: the slice stops mid-page, and the rows read past its last profile are read again by the next.
    const pageSize = Math.min(1000, this.sliceEvents);
    const scan = { uptoSeq: cx.uptoSeq, afterProfile: from, only, pageSize, ...(this.partition === undefined ? {} : { partition: this.partition }) };
    for await (const h of this.repos.events.scanHistories(workspaceId, scan)) {
      histories.push(h);
      events += h.events.length;
      if (histories.length >= this.sliceProfiles || events >= this.sliceEvents) {
        exhausted = false;
        break;
      }
    }
    const last = exhausted ? undefined : (histories.at(-1) as { profileId: string }).profileId;
    const ids = histories.map((h) => h.profileId);
    const memberships = await this.repos.membership.membershipsOfMany(ids);
    const timers = await this.repos.timers.ofProfiles(ids);
    const causeOf = new Map<string, ChangeCause>(current.map((j) => [j.segmentId, j.cause]));
    const changes: MembershipWrite[] = [];
    const timerWrites: TimerWrite[] = [];
    const seen = new Set<string>();
    for (const { profileId, events: history } of histories) {
      seen.add(profileId);
      const frozen = current.filter((j) => compareProfileIds(profileId, j.afterProfile) > 0).map((j) => j.segmentId);
      if (frozen.length === 0) continue;
      const state = new ProfileState(workspaceId, profileId, rules.spec);
      for (const e of history) state.apply(e.seq, historyItemsOf(e));
      const members = new Map([...(memberships.get(profileId) ?? new Map<string, number>())].filter(([s]) => rules.byId.has(s)));
      const entry = { state, members, timers: timers.get(profileId) ?? new Map<string, number>() };
      const fx = evaluateProfile(rules, entry, rules.withPeers(frozen), cx.t, { kind: 'backfill' });
      for (const w of fx.changes) changes.push({ ...w, cause: causeOf.get(w.segmentId) ?? w.cause });
      timerWrites.push(...fx.timers);
    }
    // Members with no history left (their events moved to another profile in a merge) leave. The skipped scan
    // has no member above the checkpoint, so only the full scan needs this.
    if (!skipIdle) {
      for (const j of current) {
        let after = j.afterProfile;
        for (;;) {
          const page = await this.repos.membership.members(j.segmentId, after, 1000);
          let beyond = false;
          for (const m of page) {
            if (last !== undefined && compareProfileIds(m.profileId, last) > 0) {
              beyond = true;
              break;
            }
            if (!seen.has(m.profileId) && this.owns(m.profileId)) {
              changes.push(exit(j, m.profileId, cx.t, j.cause));
              timerWrites.push({ workspaceId, segmentId: j.segmentId, profileId: m.profileId, dueAt: undefined });
            }
          }
          if (beyond || page.length < 1000) break;
          after = (page.at(-1) as { profileId: string }).profileId;
        }
      }
    }
    // Progress: the events of the profiles passed, counted once per distinct checkpoint.
    const passed = new Map<string, number>();
    for (const j of current) {
      if (passed.has(j.afterProfile)) continue;
      passed.set(j.afterProfile, await counts.countEvents(workspaceId, j.afterProfile, last, j.uptoSeq, part));
    }
    const next = current.map((j) => ({
      ...j,
      afterProfile: last ?? j.afterProfile,
      done: exhausted ? Math.max(j.total, 0) : j.done + (passed.get(j.afterProfile) ?? 0),
      state: exhausted ? ('done' as const) : ('running' as const),
    }));
    const lastChange = await cx.transaction(async (tx) => {
      const seq = await tx.membership.record(changes, cx.t);
      await tx.timers.setMany(
        timerWrites.map((w) => ({ ...w })),
        this.partition?.count,
      );
      for (let i = 0; i < current.length; i++) await this.advance(tx, current[i] as BackfillJob, next[i] as BackfillJob, cx.t);
      for (const j of gone) await this.advance(tx, j, { ...j, state: 'done' }, cx.t);
      return seq;
    });
    for (const j of next) this.replace(j);
    for (const j of gone) this.replace({ ...j, state: 'done' });
    return { changes, timers: timerWrites, lastChange };
  }

  private async advance(tx: EngineRepos, job: BackfillJob, next: BackfillJob, at: number): Promise<void> {
    const ok = await tx.backfills.advance(job, { ...next, at });
    if (!ok) throw new Superseded();
  }

  /** Updates the in-memory copy of a job after its commit; a finished job leaves the running set. */
  private replace(job: BackfillJob): void {
    const ws = this.jobs.get(job.workspaceId);
    if (ws === undefined) return;
    if (job.state === 'done') ws.delete(job.segmentId);
    else ws.set(job.segmentId, job);
    if (ws.size === 0) this.jobs.delete(job.workspaceId);
  }

  /** Releases the waiters of workspaces with no running backfill left. */
  private settle(): void {
    for (const [workspaceId, list] of this.waiters) {
      if (this.jobs.has(workspaceId)) continue;
      this.waiters.delete(workspaceId);
      for (const resolve of list) resolve();
    }
  }
}

function exit(job: BackfillJob, profileId: string, at: number, cause: ChangeCause): MembershipWrite {
  return { workspaceId: job.workspaceId, segmentId: job.segmentId, segmentVersion: job.segmentVersion, profileId, kind: 'exited', at, cause };
}
