import { yieldToEventLoop } from '../core/index.js';
import type { Clock, StoredEvent, TimerHandle } from '../core/index.js';
import type { SqlChangeLog } from '../membership/index.js';
import { partitionOf } from '../store/index.js';
import type { Repos, Store } from '../store/index.js';
import { BackfillRunner } from './backfill/backfill-runner.js';
import type { BackfillProgress, BackfillSliceOptions } from './backfill/backfill-runner.js';
import type { EngineObserver, EngineStats, OwnedWork } from './engine-observer.js';
import { engineReposOf, inEngineTransaction } from './engine-repos.js';
import type { EngineRepos } from './engine-repos.js';
import { EngineNotActiveError, exitErased } from './erase-exits.js';
import { evaluateProfile } from './evaluate-profile.js';
import type { ProfileEffects, TimerWrite } from './evaluate-profile.js';
import { EngineLease, LeaseLostError } from './lease/engine-lease.js';
import type { EngineLeaseOptions } from './lease/engine-lease.js';
import { exitMerged } from './merge-exits.js';
import { DEFAULT_CACHE_BYTES, ProfileCache } from './profile-cache.js';
import type { ProfileEntry } from './profile-entry.js';
import { ProfileLoader } from './profile-loader.js';
import { historyItemsOf } from './state/history-from-events.js';
import type { HeapTimer } from './timers/timer-heap.js';
import { TimerSchedule } from './timers/timer-schedule.js';
import { WorkspaceRules } from './workspace-rules.js';

/** Whether this engine writes (`active`, it holds the lease), waits to take over (`standby`), or is stopped. */
export type EngineRole = 'active' | 'standby' | 'stopped';

/** Which partition of the event log an engine owns, out of how many. */
export interface EnginePartition {
  readonly index: number;
  readonly count: number;
}

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
  /** Estimated bytes of profile state kept in memory at most (default 256 MiB; see `ProfileCache`). */
  readonly cacheBytes?: number;
  /** Timers due within this horizon are held in memory (default 60 s). */
  readonly timerHorizonMs?: number;
  /** How often to tail the log for events appended by other processes (default 1 s; 0 disables). */
  readonly tailIntervalMs?: number;
  /** The cursor's name, for several engines over one store (default "engine"); the lease has the same name. */
  readonly cursorName?: string;
  /**
   * Run the engine of one partition of the event log only (see `EventRepo.readPartition`): it follows that
   * partition, evaluates only the profiles the partition owns, fires only their timers, and its cursor and lease
   * are named `engine:p<index>` unless `cursorName` says otherwise. Absent: one engine follows the whole log.
   */
  readonly partition?: EnginePartition;
  /**
   * The lease that makes this the only writing engine of its cursor (default: on, 10 s). `false` runs without
   * one: only for a process that knows it is alone (tests whose fake clocks restart at the same instant).
   */
  readonly lease?: EngineLeaseOptions | false;
  /** Called when the engine becomes active or standby (for logs). */
  readonly onRoleChange?: (role: EngineRole) => void;
  /** Called with failures of background work (default: `console.error`); the work is retried on the next wake. */
  readonly onError?: (error: unknown) => void;
  /**
   * Background backfills: the size of a slice, and whether slices run by themselves between event batches
   * (default) or only when {@link Engine.backfillSlice} is called (tests that interleave them by hand).
   */
  readonly backfill?: BackfillSliceOptions & { readonly auto?: boolean };
  /** Told of every committed batch and timer firing (metrics). */
  readonly observer?: EngineObserver;
}

/**
 * The engine's driver. It tails the event log from a durable cursor (woken within the same tick by
 * {@link wake}, e.g. from ingestion's `onCommitted`, and on a slow interval for other writers), folds each
 * event into the profile's compact state, re-evaluates only the dependent segments at the evaluation instant,
 * and commits membership changes, timers and the cursor in one transaction per batch, so a replay after a crash
 * redoes exactly the uncommitted work. Due timers are fired at their own instant (see {@link TimerSchedule}).
 * All work runs one task at a time.
 *
 * One writer: the engine runs only while it holds its cursor's lease (see {@link EngineLease}); another
 * process's engine on the same database is a standby that takes over within the lease time when the holder
 * dies, and every commit is fenced by the lease's epoch. Rules follow segment changes made by other processes:
 * each drain compares the segments' generation with the one compiled.
 *
 * The jobs live beside it: {@link ProfileLoader} (building profile entries from the store), {@link TimerSchedule}
 * (heap, horizon, clock handle), {@link exitMerged} (merges); it reads and writes only through {@link EngineRepos}.
 */
export class Engine {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly repos: EngineRepos;
  private readonly batchSize: number;
  private readonly tailMs: number;
  private readonly cursorName: string;
  private readonly onError: (error: unknown) => void;
  private readonly autoBackfill: boolean;
  private readonly cache: ProfileCache;
  private readonly loader: ProfileLoader;
  private readonly timers: TimerSchedule;
  private readonly lease: EngineLease | undefined;
  private readonly partition: EnginePartition | undefined;
  /** The log's number of partitions (timers are stored with their profile's partition), read at activation. */
  private partitionCount = 1;
  private readonly backfills: BackfillRunner;
  private rules = new Map<string, WorkspaceRules>();
  private generation = -1;
  private cursor = 0;
  private lastT = -Infinity;
  private lagMs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wakeQueued = false;
  private started = false;
  private active = false;
  private tailHandle: TimerHandle | undefined;
  private heartbeatHandle: TimerHandle | undefined;
  private heartbeatRun: Promise<void> = Promise.resolve();

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.repos = engineReposOf(options.store);
    this.batchSize = options.batchSize ?? 1000;
    this.tailMs = options.tailIntervalMs ?? 1000;
    this.partition = options.partition;
    this.cursorName = options.cursorName ?? (options.partition === undefined ? 'engine' : `engine:p${options.partition.index}`);
    this.onError = options.onError ?? ((error) => console.error('segflow engine:', error));
    this.cache = new ProfileCache({ maxProfiles: options.cacheCapacity ?? 100_000, maxBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES });
    this.loader = new ProfileLoader(this.cache, this.repos, options.partition?.index);
    this.timers = new TimerSchedule(options.clock, options.timerHorizonMs ?? 60_000, options.partition?.index);
    this.lease = options.lease === false ? undefined : new EngineLease(this.cursorName, options.lease);
    this.backfills = new BackfillRunner(this.repos, options.backfill, options.partition);
    this.autoBackfill = options.backfill?.auto ?? true;
  }

  /**
   * Takes the lease (or becomes a standby, retrying at each heartbeat), loads the live segments and the cursor,
   * then catches up with the log and fires overdue timers. Resolves once active and caught up, or as a standby.
   */
  async start(): Promise<void> {
    this.started = true;
    await this.exclusive(() => this.activate());
    if (!this.active) this.options.onRoleChange?.('standby');
    this.scheduleHeartbeat();
    this.scheduleTail();
    this.wake();
    await this.idle();
  }

  /** Stops waking and gives the lease up; resolves when the current task is done. */
  async stop(): Promise<void> {
    this.started = false;
    this.timers.cancel();
    this.tailHandle?.cancel();
    this.heartbeatHandle?.cancel();
    await this.heartbeatRun;
    await this.idle();
    if (this.lease?.isHeld) await this.lease.release(this.repos, this.clock.now()).catch((error: unknown) => this.onError(error));
    this.setActive(false);
  }

  /** Whether this engine evaluates `profileId` (always, unless it runs one partition of the log). */
  owns(profileId: string): boolean {
    return this.partition === undefined || partitionOf(profileId, this.partition.count) === this.partition.index;
  }

  /** The partition this engine runs, if it runs one. */
  get partitionIndex(): number | undefined {
    return this.partition?.index;
  }

  /** The name of its cursor and lease. */
  get name(): string {
    return this.cursorName;
  }

  /** Whether this engine is writing, waiting to take over, or stopped. */
  get role(): EngineRole {
    return !this.started ? 'stopped' : this.active ? 'active' : 'standby';
  }

  /** Asks the engine to read new log entries and fire due timers soon (coalesced). */
  wake(): void {
    if (!this.started || !this.active || this.wakeQueued) return;
    this.wakeQueued = true;
    void this.exclusive(async () => {
      // Between backfill slices, let the event loop run (HTTP requests, ingestion's commits) before going on.
      if (this.backfills.pending) await yieldToEventLoop();
      this.wakeQueued = false;
      if (this.active) await this.drain();
    }).catch((error: unknown) => this.failed(error));
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

  /**
   * Erases people (see {@link exitErased}): in the task queue, after catching up with the log, ends every
   * membership of `profileIds` with cause `erased`, drops their timers, and runs `purge` (the caller's deletion of
   * their data) in the SAME transaction, fenced by the lease, so the exits and the deletion commit together or not
   * at all and no event of theirs can be evaluated in between. Returns how many exits were written and the seq of
   * the last (0 when they were in no segment). Throws {@link EngineNotActiveError} on a standby: the caller retries later.
   */
  erase(workspaceId: string, profileIds: readonly string[], purge: (tx: Repos) => Promise<void>): Promise<{ exits: number; lastSeq: number }> {
    return this.exclusive(async () => {
      if (!this.active) throw new EngineNotActiveError();
      await this.drain();
      const t = this.now();
      const fx = await exitErased(this.repos, this.rulesOf(workspaceId), profileIds, t);
      const lastChange = await this.store.transaction(async (tx) => {
        const repos = engineReposOf(tx);
        if (this.lease !== undefined) await this.lease.fence(repos);
        const seq = await repos.membership.record(fx.changes, t);
        await repos.timers.setMany(fx.timers);
        await purge(tx);
        return seq;
      });
      for (const id of profileIds) this.cache.delete(id);
      this.afterCommit(fx.timers, lastChange);
      return { exits: fx.changes.length, lastSeq: lastChange };
    });
  }

  /** Rebuilds the compiled rules from the segment table; call inside {@link exclusive} after a segment change. */
  async loadRules(): Promise<void> {
    // The rules and the backfill checkpoints must be of one generation: a save (in another process) committing
    // between the two reads would leave a job whose segment the rules do not hold yet (its slice would take it
    // for deleted) or the new rule without its job. Re-read until the generation did not move meanwhile.
    for (;;) {
      const generation = await this.repos.segments.generation();
      const segments = await this.repos.segments.listAll();
      const byWs = new Map<string, typeof segments>();
      for (const s of segments) byWs.set(s.workspaceId, [...(byWs.get(s.workspaceId) ?? []), s]);
      this.rules = new Map([...byWs].map(([ws, list]) => [ws, new WorkspaceRules(ws, list)]));
      this.generation = generation;
      this.resetMemory();
      // A partition's engine runs its partition's checkpoints (`segment_backfill_parts`), the single engine the jobs'.
      await this.backfills.load();
      if ((await this.repos.segments.generation()) === generation) return;
    }
  }

  /**
   * Whether a backfill this engine serves is split into one checkpoint per partition of the log (a partition's
   * engine, as a cluster's `ClusterWorker` runs them) rather than one per segment (the single engine).
   */
  get backfillByPartition(): boolean {
    return this.partition !== undefined;
  }

  /**
   * Runs one slice of the running backfills now (inside the task queue) and returns whether any is left. The
   * engine runs slices by itself unless built with `backfill: { auto: false }`.
   */
  backfillSlice(): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.active) await this.runBackfillSlice();
      return this.backfills.pending;
    });
  }

  /** Resolves once no backfill of the workspace is running on this engine (immediately on a standby). */
  backfillSettled(workspaceId: string): Promise<void> {
    return this.backfills.settled(workspaceId);
  }

  /** The engine's own figures for `/metrics`, as it last updated them (no database read). */
  stats(): EngineStats {
    return {
      role: this.role,
      position: this.cursor,
      lagMs: this.lagMs,
      timersInMemory: this.timers.size,
      nextDue: this.timers.nextDue(),
      backfills: this.backfills.progress(),
      ownership: this.ownership(),
    };
  }

  /** The engine work this process owns: its cursor, under the lease (the one unit there is per database today). */
  ownership(): OwnedWork[] {
    return [{ kind: 'cursor', name: this.cursorName, held: this.active, epoch: this.active ? this.lease?.epoch : undefined }];
  }

  /** The running backfills' progress (events done / total per segment). */
  backfillProgress(): BackfillProgress[] {
    return this.backfills.progress();
  }

  /** Approximate bytes of profile state held, and how many profiles. */
  memory(): { profiles: number; bytes: number } {
    return { profiles: this.cache.size, bytes: this.cache.bytes };
  }

  /** Drops everything held in memory; it is rebuilt from the store on demand. */
  private resetMemory(): void {
    this.cache.clear();
    this.timers.clear();
  }

  /** Takes the lease if free (no-op when held or without a lease), and on taking it loads cursor and rules. */
  private async activate(): Promise<void> {
    if (this.active || !this.started) return;
    if (this.lease !== undefined && !(await this.lease.acquire(this.repos, this.clock.now()))) return;
    this.partitionCount = this.partition?.count ?? (await this.repos.events.partitions());
    this.cursor = await this.repos.cursor.get(this.cursorName);
    await this.loadRules();
    this.setActive(true);
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    if (!active) {
      this.backfills.clear();
      this.resetMemory();
      this.timers.cancel();
    }
    this.options.onRoleChange?.(this.role);
  }

  /** A background task failed: a lost lease makes this a standby; anything else is reported and retried. */
  private failed(error: unknown): void {
    this.resetMemory();
    if (error instanceof LeaseLostError) {
      this.lease?.drop();
      this.setActive(false);
      return;
    }
    this.onError(error);
  }

  private async drain(): Promise<void> {
    if ((await this.repos.segments.generation()) !== this.generation) {
      // Segments changed by another process: reload the rules and the backfills its save started (a partition's
      // engine: its partition's checkpoints of them), run in slices below.
      await this.loadRules();
    }
    for (;;) {
      const now = this.now();
      await this.fireDue(now);
      const events =
        this.partition === undefined
          ? await this.repos.events.readLog(this.cursor, this.batchSize)
          : await this.repos.events.readPartition(this.partition.index, this.cursor, this.batchSize);
      this.lagMs = events.length === 0 ? 0 : Math.max(0, now - (events[0] as StoredEvent).receivedAt);
      if (events.length === 0) break;
      await this.processBatch(events, now);
    }
    if (this.autoBackfill && this.backfills.pending) {
      // One bounded slice per drain; the next drain (new events first) is queued at once.
      await this.runBackfillSlice();
      if (this.backfills.pending) this.wake();
    }
    if (this.started) this.timers.arm(() => this.wake());
  }

  private async processBatch(batch: readonly StoredEvent[], t: number): Promise<void> {
    const all: ProfileEffects = { changes: [], timers: [] };
    // A partition's log may hold events of profiles it no longer owns: an identity merge re-pointed them to a
    // survivor that lives in another partition, whose engine reads them when it rebuilds the survivor.
    const events = this.partition === undefined ? batch : batch.filter((e) => this.owns(e.profileId));
    // Rebuild every missing profile of the batch with three queries, as of the log before the batch.
    const fresh = await this.loader.preload(this.rules, events, this.cursor);
    for (const e of events) {
      const ws = this.rules.get(e.workspaceId);
      if (ws === undefined) continue;
      const items = historyItemsOf(e);
      let ids = ws.dependents(items);
      let entry = this.cache.get(e.profileId);
      if (e.type === 'alias' || (e.type === 'identify' && e.userId !== null && e.anonymousId !== null)) {
        const merged = await exitMerged(this.repos, this.cache, ws, e.profileId, t, all);
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
      // Segments whose backfill has not reached this profile yet are left to the backfill.
      ids = this.backfills.live(e.workspaceId, e.profileId, ids);
      if (ids.size === 0) continue;
      entry ??= await this.loader.load(ws, e.profileId, e.seq);
      const fx = evaluateProfile(ws, entry, ids, t, { kind: 'event', eventId: e.messageId });
      all.changes.push(...fx.changes);
      all.timers.push(...fx.timers);
    }
    const last = (batch.at(-1) as StoredEvent).seq;
    const lastChange = await this.commit(all, t, last);
    this.cursor = last;
    this.afterCommit(all.timers, lastChange);
    this.options.observer?.batchCommitted(
      events.map((e) => e.receivedAt),
      t,
      this.clock.now(),
    );
  }

  /** Fires every timer due at or before `now`, each evaluated at its own instant, in due order. */
  private async fireDue(now: number): Promise<void> {
    await this.timers.refill(now, this.repos.timers);
    for (;;) {
      const batch = this.timers.takeDue(now, this.batchSize);
      if (batch.length === 0) return;
      const all: ProfileEffects = { changes: [], timers: [] };
      const touched = new Set<ProfileEntry>();
      // Rebuild the batch's uncached profiles with one query per table, as for events.
      await this.loader.preload(this.rules, batch, this.cursor);
      for (const timer of batch) {
        const entry = await this.fire(timer, all);
        if (entry !== undefined) touched.add(entry);
      }
      const lastChange = await this.commit(all, now, undefined);
      this.afterCommit(all.timers, lastChange);
      this.options.observer?.timersFired(
        batch.map((timer) => timer.dueAt),
        this.clock.now(),
      );
      // Every later evaluation is at a heap timer's instant (re-checks just armed included) or at an instant ≥ now.
      const floor = Math.min(this.timers.nextDue() ?? Infinity, now);
      for (const entry of touched) entry.state.prune(floor);
    }
  }

  /** Evaluates one due timer's segment, with its exclusive-group peers, at the timer's instant. */
  private async fire(timer: HeapTimer, out: ProfileEffects): Promise<ProfileEntry | undefined> {
    const ws = this.rules.get(timer.workspaceId);
    if (ws === undefined || !ws.byId.has(timer.segmentId)) return undefined;
    // A segment frozen for this profile by a running backfill: the backfill's slice replaces this timer.
    if (this.backfills.isFrozen(timer.workspaceId, timer.segmentId, timer.profileId)) return undefined;
    let entry = this.cache.get(timer.profileId) ?? (await this.loader.load(ws, timer.profileId, this.cursor));
    if (entry.timers.get(timer.segmentId) !== timer.dueAt) return undefined;
    if (entry.state.watermark > timer.dueAt) {
      // Rare: the state was pruned for a later instant; rebuild it so the evaluation at dueAt stays exact.
      this.cache.delete(timer.profileId);
      entry = await this.loader.load(ws, timer.profileId, this.cursor);
    }
    // With its peers: a move inside an exclusive group then comes out of ONE evaluation, which writes the exit
    // before the entry (two timers of one instant would otherwise record them in heap order).
    // Not pruned for dueAt: a re-check armed by this batch may fall due before the batch's last timer, and
    // evaluating it on a state pruned for a later instant would force a rebuild from the log. Pruned by the caller.
    const peers = ws.withPeers([timer.segmentId]);
    // A peer's re-check armed earlier in this batch may fall due before this timer (it reaches the heap only at
    // the batch's commit): evaluating the peer here first at the later instant would record its change late.
    // So each earlier re-check of a peer is evaluated first, at its own instant; its heap copy is then stale and
    // skipped. Each evaluation moves that peer's timer strictly later, so the loop ends.
    for (;;) {
      let earliest = timer.dueAt;
      let first: string | undefined;
      for (const id of peers) {
        const due = entry.timers.get(id);
        if (due !== undefined && due < earliest) [earliest, first] = [due, id];
      }
      if (first === undefined) break;
      const fx = evaluateProfile(ws, entry, ws.withPeers([first]), earliest, { kind: 'timer' }, -Infinity);
      out.changes.push(...fx.changes);
      out.timers.push(...fx.timers);
    }
    const fx = evaluateProfile(ws, entry, peers, timer.dueAt, { kind: 'timer' }, -Infinity);
    out.changes.push(...fx.changes);
    out.timers.push(...fx.timers);
    return entry;
  }

  /**
   * Writes a batch's effects in one transaction, fenced by the lease: membership changes, timers and (for an
   * event batch) the cursor. Returns the last change seq written (0 if none).
   */
  private commit(all: ProfileEffects, recordedAt: number, cursor: number | undefined): Promise<number> {
    return inEngineTransaction(this.store, async (tx) => {
      if (this.lease !== undefined) await this.lease.fence(tx);
      const seq = await tx.membership.record(all.changes, recordedAt);
      await tx.timers.setMany(lastTimerWrites(all.timers), this.partitionCount);
      if (cursor !== undefined) await tx.cursor.set(this.cursorName, cursor);
      return seq;
    });
  }

  /** Fires what is due, then runs one backfill slice at the engine's instant and cursor, fenced by the lease. */
  private async runBackfillSlice(): Promise<void> {
    const t = this.now();
    await this.fireDue(t);
    const fx = await this.backfills.slice({
      rules: this.rules,
      t,
      uptoSeq: this.cursor,
      transaction: (fn) =>
        inEngineTransaction(this.store, async (tx) => {
          if (this.lease !== undefined) await this.lease.fence(tx);
          return fn(tx);
        }),
    });
    if (fx === undefined) return;
    // Write-through: cached entries follow the slice's memberships and timers (their states are unchanged, and
    // dropping them would make the next event of a long-history profile rebuild it from the log).
    for (const c of fx.changes) {
      const entry = this.cache.get(c.profileId);
      if (c.kind === 'entered') entry?.members.set(c.segmentId, c.at);
      else entry?.members.delete(c.segmentId);
    }
    for (const w of fx.timers) {
      const entry = this.cache.get(w.profileId);
      if (w.dueAt === undefined) entry?.timers.delete(w.segmentId);
      else entry?.timers.set(w.segmentId, w.dueAt);
    }
    this.afterCommit(fx.timers, fx.lastChange);
  }

  private afterCommit(timers: readonly TimerWrite[], lastChange: number): void {
    this.timers.committed(timers);
    if (lastChange > 0) this.options.changeLog?.notifyAppended(lastChange);
  }

  private scheduleTail(): void {
    if (this.tailMs <= 0 || !this.started) return;
    this.tailHandle = this.clock.schedule(this.clock.now() + this.tailMs, () => {
      this.wake();
      this.scheduleTail();
    });
  }

  /**
   * Renews the lease (active) or tries to take it (standby) every third of the lease time, outside the task
   * queue so that a long batch or backfill does not let the lease lapse. The next beat is scheduled only once
   * this one is done: a fake clock advanced by days runs one beat, not thousands.
   */
  private scheduleHeartbeat(): void {
    const lease = this.lease;
    if (lease === undefined || !this.started) return;
    this.heartbeatHandle = this.clock.schedule(this.clock.now() + lease.renewEveryMs, () => {
      this.heartbeatRun = this.beat(lease).then(() => this.scheduleHeartbeat());
    });
  }

  private async beat(lease: EngineLease): Promise<void> {
    try {
      if (this.active) {
        if (!(await lease.renew(this.repos, this.clock.now()))) {
          // Taken over: stop writing now; the commit fence would refuse the next write anyway.
          await this.exclusive(async () => this.setActive(false));
        }
      } else if (this.started) {
        await this.exclusive(() => this.activate());
        this.wake();
      }
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Later writes for the same (segment, profile) supersede earlier ones in a batch: keeps only the last of each. */
function lastTimerWrites(timers: readonly TimerWrite[]): TimerWrite[] {
  const last = new Map<string, TimerWrite>();
  for (const t of timers) last.set(`${t.segmentId}\u0000${t.profileId}`, t);
  return [...last.values()];
}
