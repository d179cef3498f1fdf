import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock, TimerHandle } from '../../core/index.js';
import type { SqlChangeLog } from '../../membership/index.js';
import { partitionOf, processedUpTo } from '../../store/index.js';
import type { Repos, Store } from '../../store/index.js';
import { BackfillRepoSql } from '../backfill/backfill-repo-sql.js';
import { Engine } from '../engine.js';
import { EngineNotActiveError } from '../erase-exits.js';
import type { EngineOptions, EngineRole } from '../engine.js';
import { TimerRepoSql } from '../timers/timer-repo-sql.js';
import { assignPartitions } from './assign-partitions.js';
import { ClusterRepoSql } from './cluster-repo-sql.js';
import type { ClusterProcess, ClusterRole } from './cluster-repo-sql.js';

/** How a process joins the cluster. Only `store` and `clock` are required. */
export interface ClusterWorkerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly changeLog?: SqlChangeLog;
  /** `api` runs no engine work; `engine` and `all` take a share of the partitions (default `all`). */
  readonly role?: ClusterRole;
  /** This process's id in `cluster_processes` and as lease holder (default `hostname:pid:random`). */
  readonly processId?: string;
  /**
   * Lease time of the process row and of each partition's engine lease (default 10 s): the longest a dead
   * process's partitions wait before another process takes them. Heartbeats run every third of it.
   */
  readonly leaseMs?: number;
  /** Passed to every partition's engine (batch size, cache capacity, tail interval, backfill slices, …). */
  readonly engine?: Partial<Pick<EngineOptions, 'batchSize' | 'cacheCapacity' | 'cacheBytes' | 'timerHorizonMs' | 'tailIntervalMs' | 'observer' | 'backfill'>>;
  /**
   * How often a segment save waiting for its backfill looks at the partitions other processes run (default
   * 250 ms of the clock); this process's own partitions are awaited directly.
   */
  readonly backfillPollMs?: number;
  /** Called with failures of background work (default: `console.error`); retried at the next heartbeat. */
  readonly onError?: (error: unknown) => void;
  /** Called when this process starts or stops running a partition, or a partition engine changes role. */
  readonly onPartition?: (partition: number, role: EngineRole) => void;
}

/** One partition as `GET /api/cluster` shows it. */
export interface PartitionStatus {
  readonly partition: number;
  /** The process holding its engine lease (null when none holds a live one). */
  readonly holder: string | null;
  readonly epoch: number;
  readonly leaseExpiresAt: number | null;
  /** The last event seq (global) whose effects are committed. */
  readonly cursor: number;
  /** Events of the partition not yet evaluated, and how long the oldest has waited (0 when none). */
  readonly lag: { readonly events: number; readonly seconds: number };
  readonly timers: { readonly pending: number; readonly overdue: number };
}

/** The cluster as one process sees it. */
export interface ClusterStatus {
  readonly self: string;
  readonly partitions: number;
  readonly processes: readonly (ClusterProcess & { readonly partitions: readonly number[] })[];
  readonly partitionStates: readonly PartitionStatus[];
}

/**
 * Several `segflow serve` processes on one PostgreSQL sharing the engine work, with PostgreSQL as the only
 * coordinator. Each process keeps a heartbeat row in `cluster_processes`; every third of the lease time it
 * renews it, reads the live rows, computes the partitions it should run ({@link assignPartitions}: the same
 * answer in every process) and starts one {@link Engine} per partition of its share, stopping the others.
 * Each partition's engine holds the lease `engine:p<index>` with a fencing epoch checked by every commit, so a
 * partition is never evaluated by two processes even while their views of the live set differ: a process that
 * wants a partition another still holds runs a standby engine for it until the holder gives it up (at its next
 * heartbeat) or dies (its lease expires). A new process thus takes its fair share within a heartbeat or two; a
 * `kill -9`ed one's partitions are taken within the lease time plus a heartbeat.
 *
 * It is also what the segment service drives in cluster mode: saving a segment writes its row and one backfill
 * checkpoint per partition (the role this presents is `standby`, `backfillByPartition` is true); each partition's
 * engine sees the segments' generation move and backfills its own profiles in the background, in slices between
 * its event batches, from its own checkpoint and fenced by its lease (see `BackfillRunner`).
 */
export class ClusterWorker {
  readonly processId: string;
  readonly clusterRole: ClusterRole;
  private readonly repo: ClusterRepoSql;
  private readonly leaseMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly engines = new Map<number, Engine>();
  private partitionCount = 1;
  private startedAt = 0;
  private started = false;
  private beatHandle: TimerHandle | undefined;
  private beatRun: Promise<void> = Promise.resolve();
  private queue: Promise<unknown> = Promise.resolve();
  private lastT = -Infinity;
  private readonly starting = new Set<Promise<void>>();
  /** Segment saves waiting for a backfill on another process's partitions: released early by {@link stop}. */
  private readonly polls = new Set<{ handle: TimerHandle; resolve: () => void }>();

  constructor(private readonly options: ClusterWorkerOptions) {
    this.processId = options.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.clusterRole = options.role ?? 'all';
    this.repo = new ClusterRepoSql(options.store.sql);
    this.leaseMs = options.leaseMs ?? 10_000;
    this.onError = options.onError ?? ((error) => console.error('segflow cluster:', error));
  }

  /** Joins the cluster: registers, takes (or queues for) its share of the partitions, and keeps heartbeating. */
  async start(): Promise<void> {
    this.started = true;
    this.startedAt = this.options.clock.now();
    this.partitionCount = await this.options.store.events.partitions();
    await this.beat();
    this.scheduleBeat();
  }

  /** Leaves: stops every partition engine (releasing its lease at once) and deletes the heartbeat row. */
  async stop(): Promise<void> {
    this.started = false;
    this.beatHandle?.cancel();
    for (const poll of this.polls) {
      poll.handle.cancel();
      poll.resolve();
    }
    this.polls.clear();
    await this.beatRun;
    await Promise.all([...this.engines.values()].map((e) => e.stop().catch((error: unknown) => this.onError(error))));
    this.engines.clear();
    await this.repo.leave(this.processId).catch((error: unknown) => this.onError(error));
  }

  /** Wakes every partition engine of this process (after ingestion commits). */
  wake(): void {
    for (const e of this.engines.values()) e.wake();
  }

  /** Resolves once every partition engine of this process is idle. */
  async idle(): Promise<void> {
    await Promise.all([...this.engines.values()].map((e) => e.idle()));
  }

  /**
   * Resolves once the current heartbeat, the engine starts it began and every engine's queued work are done
   * (tests on a fake clock call it after advancing the clock).
   */
  async settled(): Promise<void> {
    await this.beatRun;
    await Promise.all([...this.starting]);
    await this.idle();
  }

  /** The partitions whose engine is active in this process. */
  activePartitions(): number[] {
    return [...this.engines].filter(([, e]) => e.role === 'active').map(([p]) => p).sort((a, b) => a - b);
  }

  /**
   * Erases people through the engine of the partition that owns the first profile (the survivor of any merge):
   * their exits are written, fenced, by the one engine that owns that profile's memberships. A process that does
   * not own that partition refuses with {@link EngineNotActiveError}; the erasure is retried by the erasure worker
   * of every process, so the owner's picks it up.
   */
  erase(workspaceId: string, profileIds: readonly string[], purge: (tx: Repos) => Promise<void>): Promise<{ exits: number; lastSeq: number }> {
    const first = profileIds[0];
    const engine = first === undefined ? undefined : this.engines.get(partitionOf(first, this.partitionCount));
    if (engine === undefined || engine.role !== 'active') return Promise.reject(new EngineNotActiveError());
    return engine.erase(workspaceId, profileIds, purge);
  }

  /** Runs `fn` after the segment changes queued before it (the segment service's serialisation). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(fn);
    this.queue = run;
    return run;
  }

  /** The monotonic instant of segment changes made through this process. */
  now(): number {
    this.lastT = Math.max(this.lastT, this.options.clock.now());
    return this.lastT;
  }

  /** Dry runs read the whole stored history: every committed event. */
  get position(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  /** `standby` for the segment service: segment changes are backfilled by each partition's engine, not here. */
  get role(): EngineRole {
    return this.started ? 'standby' : 'stopped';
  }

  /** Segment changes are backfilled by each partition's engine, from one checkpoint per partition. */
  readonly backfillByPartition = true;

  /**
   * Resolves once no backfill of the workspace is running in any partition (or this process stops): this
   * process's partition engines are awaited directly (after the drain that loads the new checkpoints), the
   * partitions other processes run by looking at the job rows every `backfillPollMs`.
   */
  async backfillSettled(workspaceId: string): Promise<void> {
    const jobs = new BackfillRepoSql(this.options.store.sql);
    const pollMs = this.options.backfillPollMs ?? 250;
    while (this.started && (await jobs.anyRunning(workspaceId))) {
      await Promise.all(
        [...this.engines.values()].map(async (engine) => {
          await engine.exclusive(async () => undefined);
          await engine.backfillSettled(workspaceId);
        }),
      );
      if (!this.started || !(await jobs.anyRunning(workspaceId))) return;
      await new Promise<void>((resolve) => {
        const poll = { handle: this.options.clock.schedule(this.options.clock.now() + pollMs, () => done()), resolve: () => resolve() };
        const done = (): void => {
          this.polls.delete(poll);
          resolve();
        };
        this.polls.add(poll);
      });
    }
  }

  /** Nothing to reload here: the partition engines follow the segments' generation; wake them to do it now. */
  async loadRules(): Promise<void> {
    this.wake();
  }

  /**
   * Runs one backfill slice now in each partition engine this process runs actively, and says whether any of them
   * has a backfill left (tests that interleave slices by hand, with `engine.backfill.auto` false).
   */
  async backfillSlice(): Promise<boolean> {
    const left = await Promise.all([...this.engines.values()].filter((e) => e.role === 'active').map((e) => e.backfillSlice()));
    return left.some(Boolean);
  }

  /** Processes, their partitions and each partition's holder, lag and timers. */
  async status(): Promise<ClusterStatus> {
    const now = this.options.clock.now();
    const [live, leases, processed, timers] = await Promise.all([
      this.repo.live(now),
      this.repo.partitionLeases(),
      processedUpTo(this.options.store.sql),
      new TimerRepoSql(this.options.store.sql).countByPartition(now),
    ]);
    const liveLease = new Map(leases.filter((l) => l.expiresAt >= now).map((l) => [l.partition, l]));
    const partitionStates: PartitionStatus[] = [];
    for (let p = 0; p < this.partitionCount; p++) {
      const lease = liveLease.get(p);
      const position = processed.partitions[p];
      const cursor = position?.cursor ?? 0;
      const lag = { events: position?.waiting ?? 0, oldestReceivedAt: position?.oldestWaitingReceivedAt ?? null };
      partitionStates.push({
        partition: p,
        holder: lease?.holder ?? null,
        epoch: lease?.epoch ?? leases.find((l) => l.partition === p)?.epoch ?? 0,
        leaseExpiresAt: lease?.expiresAt ?? null,
        cursor,
        lag: { events: lag.events, seconds: lag.oldestReceivedAt === null ? 0 : Math.max(0, (now - lag.oldestReceivedAt) / 1000) },
        timers: timers.get(p) ?? { pending: 0, overdue: 0 },
      });
    }
    const processes = live.map((proc) => ({
      ...proc,
      partitions: partitionStates.filter((s) => s.holder === proc.id).map((s) => s.partition),
    }));
    return { self: this.processId, partitions: this.partitionCount, processes, partitionStates };
  }

  private scheduleBeat(): void {
    if (!this.started) return;
    const every = Math.max(1, Math.floor(this.leaseMs / 3));
    this.beatHandle = this.options.clock.schedule(this.options.clock.now() + every, () => {
      this.beatRun = this.beat()
        .catch((error: unknown) => this.onError(error))
        .then(() => this.scheduleBeat());
    });
  }

  /** Renews this process's row, then starts the engines of its share and stops the others. */
  private async beat(): Promise<void> {
    if (!this.started) return;
    const now = this.options.clock.now();
    await this.repo.beat({
      id: this.processId,
      role: this.clusterRole,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt: now,
      expiresAt: now + this.leaseMs,
    });
    const live = await this.repo.live(now);
    const engineIds = live.filter((p) => p.role !== 'api').map((p) => p.id);
    const share = this.clusterRole === 'api' ? [] : (assignPartitions(this.partitionCount, engineIds).get(this.processId) ?? []);
    const wanted = new Set(share);
    for (const [p, engine] of [...this.engines]) {
      if (wanted.has(p)) continue;
      this.engines.delete(p);
      await engine.stop();
      this.options.onPartition?.(p, 'stopped');
    }
    for (const p of share) {
      if (this.engines.has(p) || !this.started) continue;
      const engine = new Engine({
        store: this.options.store,
        clock: this.options.clock,
        ...(this.options.changeLog ? { changeLog: this.options.changeLog } : {}),
        ...this.options.engine,
        partition: { index: p, count: this.partitionCount },
        lease: { ttlMs: this.leaseMs, holder: this.processId },
        onError: this.onError,
        onRoleChange: (role) => this.options.onPartition?.(p, role),
      });
      this.engines.set(p, engine);
      // Not awaited: an engine catching up a long backlog must not hold the heartbeat back past the lease time.
      const started = engine.start().catch((error: unknown) => this.onError(error));
      this.starting.add(started);
      void started.finally(() => this.starting.delete(started));
    }
  }
}
