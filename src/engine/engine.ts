import type { ChangeCause, Clock, StoredEvent, TimerHandle } from '../core/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import type { MembershipWrite, SqlChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { readHistories } from './backfill/scan-histories.js';
import { CursorRepoSql } from './cursor-repo-sql.js';
import { evaluateProfile } from './evaluate-profile.js';
import type { ProfileEffects, TimerWrite } from './evaluate-profile.js';
import { ProfileCache } from './profile-cache.js';
import type { ProfileEntry } from './profile-entry.js';
import { SegmentRepoSql } from './segment-repo-sql.js';
import { historyItemsOf } from './state/history-from-events.js';
import { ProfileState } from './state/profile-state.js';
import { TimerHeap } from './timers/timer-heap.js';
import { TimerRepoSql } from './timers/timer-repo-sql.js';
import { WorkspaceRules } from './workspace-rules.js';

/** How the engine is built. Only `store` and `clock` are required. */
export interface EngineOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Notified after each commit that appended membership changes. */
  readonly changeLog?: SqlChangeLog;
  /** Log entries read and committed per transaction (default 1000). */
  readonly batchSize?: number;
  /** Profiles whose state stays in memory (default 100,000). */
  readonly cacheCapacity?: number;
  /** Timers due within this horizon are held in memory (default 60 s). */
  readonly timerHorizonMs?: number;
  /** How often to tail the log for events appended by other processes (default 1 s; 0 disables). */
  readonly tailIntervalMs?: number;
  /** The cursor's name, for several engines over one store (default "engine"). */
  readonly cursorName?: string;
  /** Called with failures of background work (default: `console.error`); the work is retried on the next wake. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The engine's driver. It tails the event log from a durable cursor (woken within the same tick by
 * {@link wake}, e.g. from ingestion's `onCommitted`, and on a slow interval for other writers), folds each
 * event into the profile's compact state, re-evaluates only the dependent segments at the evaluation instant,
 * and commits membership changes, timers and the cursor in one transaction per batch, so a replay after a crash
 * redoes exactly the uncommitted work. Due timers are fired at their own instant from an in-memory heap fed by
 * the durable timer table's near horizon. All work runs one task at a time.
 */
export class Engine {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly horizonMs: number;
  private readonly tailMs: number;
  private readonly cursorName: string;
  private readonly onError: (error: unknown) => void;
  private readonly cache: ProfileCache;
  private readonly heap = new TimerHeap();
  private rules = new Map<string, WorkspaceRules>();
  private cursor = 0;
  private lastT = -Infinity;
  private horizonUntil = -Infinity;
  private queue: Promise<unknown> = Promise.resolve();
  private wakeQueued = false;
  private started = false;
  private timerHandle: TimerHandle | undefined;
  private tailHandle: TimerHandle | undefined;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.batchSize = options.batchSize ?? 1000;
    this.horizonMs = options.timerHorizonMs ?? 60_000;
    this.tailMs = options.tailIntervalMs ?? 1000;
    this.cursorName = options.cursorName ?? 'engine';
    this.onError = options.onError ?? ((error) => console.error('segflow engine:', error));
    this.cache = new ProfileCache(options.cacheCapacity ?? 100_000);
  }

  /** Loads the live segments and the cursor, then catches up with the log and fires overdue timers. */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      this.cursor = await new CursorRepoSql(this.store.sql).get(this.cursorName);
      await this.loadRules();
    });
    this.started = true;
    this.scheduleTail();
    this.wake();
    await this.idle();
  }

  /** Stops waking; resolves when the current task is done. */
  async stop(): Promise<void> {
    this.started = false;
    this.timerHandle?.cancel();
    this.tailHandle?.cancel();
    await this.idle();
  }

  /** Asks the engine to read new log entries and fire due timers soon (coalesced). `lastSeq` is informative. */
  wake(_lastSeq?: number): void {
    if (!this.started || this.wakeQueued) return;
    this.wakeQueued = true;
    void this.exclusive(async () => {
      this.wakeQueued = false;
      await this.drain();
    }).catch((error: unknown) => {
      this.resetMemory();
      this.onError(error);
    });
  }

  /** Resolves once no task is queued (tests and benchmarks use it after submitting events or advancing time). */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q.catch(() => undefined);
      if (q === this.queue) return;
    }
  }

  /** Runs `fn` while no other engine work runs (the segment service's backfills and rule changes). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(fn);
    this.queue = run;
    return run;
  }

  /** The log position whose effects are committed. */
  get position(): number {
    return this.cursor;
  }

  /** The monotonic evaluation instant: the clock, never earlier than an instant already evaluated. */
  now(): number {
    this.lastT = Math.max(this.lastT, this.clock.now());
    return this.lastT;
  }

  /** The compiled rules of a workspace (empty when it has no segment). */
  rulesOf(workspaceId: string): WorkspaceRules {
    return this.rules.get(workspaceId) ?? new WorkspaceRules(workspaceId, []);
  }

  /** Rebuilds the compiled rules from the segment table; call inside {@link exclusive} after a segment change. */
  async loadRules(): Promise<void> {
    const segments = await new SegmentRepoSql(this.store.sql).listAll();
    const byWs = new Map<string, typeof segments>();
    for (const s of segments) byWs.set(s.workspaceId, [...(byWs.get(s.workspaceId) ?? []), s]);
    this.rules = new Map([...byWs].map(([ws, list]) => [ws, new WorkspaceRules(ws, list)]));
    this.resetMemory();
  }

  /** Approximate bytes of profile state held, and how many profiles. */
  memory(): { profiles: number; bytes: number } {
    let bytes = 0;
    for (const entry of this.cache.values()) bytes += entry.state.approximateBytes() + (entry.members.size + entry.timers.size) * 64;
    return { profiles: this.cache.size, bytes };
  }

  /** Drops everything held in memory; it is rebuilt from the store on demand. */
  private resetMemory(): void {
    this.cache.clear();
    this.heap.clear();
    this.horizonUntil = -Infinity;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.now();
      await this.fireDue(now);
      const events = await this.store.events.readLog(this.cursor, this.batchSize);
      if (events.length === 0) break;
      await this.processBatch(events, now);
    }
    this.armTimer();
  }

  private async processBatch(events: readonly StoredEvent[], t: number): Promise<void> {
    const all: ProfileEffects = { changes: [], timers: [] };
    // Rebuild every missing profile of the batch with three queries, as of the log before the batch.
    const fresh = await this.preload(events);
    for (const e of events) {
      const ws = this.rules.get(e.workspaceId);
      if (ws === undefined) continue;
      const items = historyItemsOf(e);
      let ids = ws.dependents(items);
      let entry = this.cache.get(e.profileId);
      if (e.type === 'alias' || (e.type === 'identify' && e.userId !== null && e.anonymousId !== null)) {
        const merged = await this.exitMerged(ws, e.profileId, t, all);
        if (merged) {
          this.cache.delete(e.profileId);
          entry = undefined;
          ids = new Set(ws.allIds());
        }
      }
      entry ??= fresh.get(e.profileId);
      entry?.state.apply(e.seq, items);
      if ((entry === undefined || fresh.delete(e.profileId)) && ws.vacuous.size > 0) {
        // The profile may be new: segments that hold on an empty history must be decided for it now.
        ids = new Set([...ids, ...ws.withPeers(ws.vacuous)]);
      }
      if (ids.size === 0) continue;
      entry ??= await this.load(ws, e.profileId, e.seq);
      const fx = evaluateProfile(ws, entry, ids, t, { kind: 'event', eventId: e.messageId });
      all.changes.push(...fx.changes);
      all.timers.push(...fx.timers);
    }
    const last = (events.at(-1) as StoredEvent).seq;
    const lastChange = await this.store.transaction(async (tx) => {
      const seq = await new MembershipRepoSql(tx.sql).record(all.changes, t);
      await writeTimers(new TimerRepoSql(tx.sql), all.timers);
      await new CursorRepoSql(tx.sql).set(this.cursorName, last);
      return seq;
    });
    this.cursor = last;
    this.afterCommit(all.timers, lastChange);
  }

  /** Exits every membership (and drops every timer) of profiles merged into `survivor`; true if there were any. */
  private async exitMerged(ws: WorkspaceRules, survivor: string, t: number, out: ProfileEffects): Promise<boolean> {
    const rows = await this.store.sql.query<{ id: string }>('SELECT id FROM profiles WHERE workspace_id = $1 AND merged_into = $2', [
      ws.workspaceId,
      survivor,
    ]);
    if (rows.length === 0) return false;
    const membership = new MembershipRepoSql(this.store.sql);
    const timers = new TimerRepoSql(this.store.sql);
    const cause: ChangeCause = { kind: 'profile_merged', into: survivor };
    for (const { id } of rows) {
      this.cache.delete(id);
      for (const [segmentId] of await membership.membershipsOf(id)) {
        const live = ws.byId.get(segmentId);
        if (live === undefined) continue;
        const change: MembershipWrite = {
          workspaceId: ws.workspaceId,
          segmentId,
          segmentVersion: live.segment.version,
          profileId: id,
          kind: 'exited',
          at: t,
          cause,
        };
        out.changes.push(change);
      }
      for (const [segmentId] of await timers.ofProfile(id)) {
        out.timers.push({ workspaceId: ws.workspaceId, segmentId, profileId: id, dueAt: undefined });
      }
    }
    return true;
  }

  /**
   * Builds the entries of the batch's profiles that are not cached, from the log up to the cursor (the batch's
   * own events are then applied one by one). Returns them by profile id; they are also cached.
   */
  private async preload(events: Iterable<{ readonly workspaceId: string; readonly profileId: string }>): Promise<Map<string, ProfileEntry>> {
    const missing = new Map<string, Set<string>>();
    for (const e of events) {
      if (!this.rules.has(e.workspaceId) || this.cache.get(e.profileId) !== undefined) continue;
      const set = missing.get(e.workspaceId) ?? new Set<string>();
      set.add(e.profileId);
      missing.set(e.workspaceId, set);
    }
    const out = new Map<string, ProfileEntry>();
    for (const [workspaceId, set] of missing) {
      const ws = this.rules.get(workspaceId) as WorkspaceRules;
      const ids = [...set];
      const histories = await readHistories(this.store.sql, workspaceId, ids, this.cursor);
      const memberships = await new MembershipRepoSql(this.store.sql).membershipsOfMany(ids);
      const timers = await new TimerRepoSql(this.store.sql).ofProfiles(ids);
      for (const id of ids) {
        const state = new ProfileState(workspaceId, id, ws.spec);
        for (const e of histories.get(id) ?? []) state.apply(e.seq, historyItemsOf(e));
        state.seq = Math.max(state.seq, this.cursor);
        const members = new Map([...(memberships.get(id) ?? new Map<string, number>())].filter(([s]) => ws.byId.has(s)));
        const entry: ProfileEntry = { state, members, timers: timers.get(id) ?? new Map() };
        this.cache.set(id, entry);
        out.set(id, entry);
      }
    }
    return out;
  }

  /** Builds a profile's entry from the log (events up to `uptoSeq`) and its stored memberships and timers. */
  private async load(ws: WorkspaceRules, profileId: string, uptoSeq: number): Promise<ProfileEntry> {
    const events = await this.store.events.historyOf(ws.workspaceId, profileId);
    events.sort((a, b) => a.seq - b.seq);
    const state = new ProfileState(ws.workspaceId, profileId, ws.spec);
    for (const e of events) if (e.seq <= uptoSeq) state.apply(e.seq, historyItemsOf(e));
    state.seq = Math.max(state.seq, uptoSeq);
    const stored = await new MembershipRepoSql(this.store.sql).membershipsOf(profileId);
    const members = new Map([...stored].filter(([id]) => ws.byId.has(id)));
    const timers = await new TimerRepoSql(this.store.sql).ofProfile(profileId);
    const entry: ProfileEntry = { state, members, timers };
    this.cache.set(profileId, entry);
    return entry;
  }

  /** Fires every timer due at or before `now`, each evaluated at its own instant, in due order. */
  private async fireDue(now: number): Promise<void> {
    if (now + this.horizonMs / 2 > this.horizonUntil) await this.loadHorizon(now);
    for (;;) {
      const due = this.heap.peekDue();
      if (due === undefined || due > now) return;
      const all: ProfileEffects = { changes: [], timers: [] };
      const batch = [];
      const touched = new Set<ProfileEntry>();
      for (let n = 0; n < this.batchSize; n++) {
        const d = this.heap.peekDue();
        if (d === undefined || d > now) break;
        const timer = this.heap.pop();
        if (timer === undefined) break;
        batch.push(timer);
      }
      // Rebuild the batch's uncached profiles with one query per table, as for events.
      await this.preload(batch);
      for (const timer of batch) {
        const ws = this.rules.get(timer.workspaceId);
        if (ws === undefined || !ws.byId.has(timer.segmentId)) continue;
        let entry = this.cache.get(timer.profileId) ?? (await this.load(ws, timer.profileId, this.cursor));
        if (entry.timers.get(timer.segmentId) !== timer.dueAt) continue;
        if (entry.state.watermark > timer.dueAt) {
          // Rare: the state was pruned for a later instant; rebuild it so the evaluation at dueAt stays exact.
          this.cache.delete(timer.profileId);
          entry = await this.load(ws, timer.profileId, this.cursor);
        }
        // Not pruned for dueAt: a re-check armed by this batch may fall due before the batch's last timer, and
        // evaluating it on a state pruned for a later instant would force a rebuild from the log. Pruned below.
        const fx = evaluateProfile(ws, entry, [timer.segmentId], timer.dueAt, { kind: 'timer' }, -Infinity);
        all.changes.push(...fx.changes);
        all.timers.push(...fx.timers);
        touched.add(entry);
      }
      const lastChange = await this.store.transaction(async (tx) => {
        const seq = await new MembershipRepoSql(tx.sql).record(all.changes, now);
        await writeTimers(new TimerRepoSql(tx.sql), all.timers);
        return seq;
      });
      this.afterCommit(all.timers, lastChange);
      // Every later evaluation is at a heap timer's instant (re-checks just armed included) or at an instant ≥ now.
      const floor = Math.min(this.heap.peekDue() ?? Infinity, now);
      for (const entry of touched) entry.state.prune(floor);
    }
  }

  /** Reads the durable timers due within the horizon into the heap. */
  private async loadHorizon(now: number): Promise<void> {
    const until = now + this.horizonMs;
    const limit = 1_000_000;
    const rows = await new TimerRepoSql(this.store.sql).dueBy(until, limit);
    for (const row of rows) this.heap.push(row);
    this.horizonUntil = rows.length === limit ? (rows.at(-1) as { dueAt: number }).dueAt - 1 : until;
  }

  private afterCommit(timers: readonly TimerWrite[], lastChange: number): void {
    for (const t of timers) {
      if (t.dueAt !== undefined && t.dueAt <= this.horizonUntil) {
        this.heap.push({ dueAt: t.dueAt, workspaceId: t.workspaceId, segmentId: t.segmentId, profileId: t.profileId });
      }
    }
    if (lastChange > 0) this.options.changeLog?.notifyAppended(lastChange);
  }

  /** Schedules a wake at the earliest heap timer, or when the loaded horizon runs out. */
  private armTimer(): void {
    this.timerHandle?.cancel();
    this.timerHandle = undefined;
    if (!this.started) return;
    const next = Math.min(this.heap.peekDue() ?? Infinity, this.horizonUntil - this.horizonMs / 2);
    if (!Number.isFinite(next)) return;
    this.timerHandle = this.clock.schedule(next, () => this.wake());
  }

  private scheduleTail(): void {
    if (this.tailMs <= 0 || !this.started) return;
    this.tailHandle = this.clock.schedule(this.clock.now() + this.tailMs, () => {
      this.wake();
      this.scheduleTail();
    });
  }
}

async function writeTimers(repo: TimerRepoSql, timers: readonly TimerWrite[]): Promise<void> {
  // Later writes for the same (segment, profile) supersede earlier ones in the batch; keep only the last.
  const last = new Map<string, TimerWrite>();
  for (const t of timers) last.set(`${t.segmentId}\u0000${t.profileId}`, t);
  await repo.setMany([...last.values()]);
}
