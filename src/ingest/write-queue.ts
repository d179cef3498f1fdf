/** Thrown by {@link WriteQueue.submit} when accepting the job would exceed the queue's bound. */
export class QueueFullError extends Error {
  constructor(readonly queued: number, readonly bound: number) {
    super(`write queue full: ${queued} of ${bound} units queued`);
    this.name = 'QueueFullError';
  }
}

/** Options of a {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** Most units (messages) waiting or being written; beyond it `submit` throws {@link QueueFullError}. */
  readonly maxQueued: number;
  /** Most units written in one group (one transaction); a single larger job still runs alone. */
  readonly maxGroup: number;
  /**
   * Most groups being written at once (default 1). Above 1, a group is taken while others are still committing:
   * worth it where a commit waits on a server (PostgreSQL round trips, its WAL flush), not on SQLite's one writer.
   */
  readonly concurrency?: number;
}

interface Pending<J, R> {
  readonly job: J;
  readonly weight: number;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: jobs submitted while a group is being written wait, and the next group takes all of them
 * (up to `maxGroup` units) into one call of `write`, i.e. one transaction. On SQLite, where each commit costs an
 * fsync, this turns N concurrent requests into one commit. The queue is bounded: when writes fall behind,
 * `submit` fails fast with {@link QueueFullError} (the API answers 429) instead of holding unbounded memory.
 *
 * `write` returns one result per job, in order; when it throws, each job of the group is retried alone so one
 * poisoned job cannot fail its neighbours.
 *
 * With `concurrency` above 1, up to that many groups are written at once (pipelining): a new writing loop starts
 * only when every running loop is busy writing and none is collecting the next group, so jobs still coalesce into
 * as few groups as the store's speed allows. Groups may then commit in any order; each job's result is its own.
 */
export class WriteQueue<J, R> {
  private readonly pending: Array<Pending<J, R>> = [];
  private queued = 0;
  private readonly loops = new Set<Promise<void>>();
  /** Whether a loop is yielding before it takes the next group (new jobs will be in it: no new loop needed). */
  private collecting = false;

  constructor(
    private readonly write: (jobs: readonly J[]) => Promise<R[]>,
    private readonly options: WriteQueueOptions,
  ) {}

  /** Units waiting or being written right now. */
  get depth(): number {
    return this.queued;
  }

  /** Queues a job of `weight` units and resolves with its result once its group is committed. */
  submit(job: J, weight: number): Promise<R> {
    if (this.queued > 0 && this.queued + weight > this.options.maxQueued) {
      throw new QueueFullError(this.queued, this.options.maxQueued);
    }
    this.queued += weight;
    const promise = new Promise<R>((resolve, reject) => this.pending.push({ job, weight, resolve, reject }));
    if (!this.collecting && this.loops.size < (this.options.concurrency ?? 1)) {
      const loop: Promise<void> = this.run().finally(() => this.loops.delete(loop));
      this.loops.add(loop);
    }
    return promise;
  }

  /** Resolves once every job submitted so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  private async run(): Promise<void> {
    for (;;) {
      // Yield to I/O once before each group: with SQLite a transaction runs without ever waiting for I/O, so
      // without this every request would commit alone. After setImmediate, every request whose bytes already
      // arrived has been parsed and submitted, and they all share the next commit.
      this.collecting = true;
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.collecting = false;
      if (this.pending.length === 0) return;
      const group: Array<Pending<J, R>> = [];
      let units = 0;
      while (this.pending.length > 0 && (group.length === 0 || units + this.pending[0]!.weight <= this.options.maxGroup)) {
        const next = this.pending.shift()!;
        group.push(next);
        units += next.weight;
      }
      await this.writeGroup(group);
    }
  }

  private async writeGroup(group: Array<Pending<J, R>>): Promise<void> {
    try {
      const results = await this.write(group.map((p) => p.job));
      group.forEach((p, i) => this.settle(p, () => p.resolve(results[i]!)));
    } catch (error) {
      if (group.length === 1) {
        this.settle(group[0]!, () => group[0]!.reject(error));
        return;
      }
      for (const p of group) {
        try {
          const [result] = await this.write([p.job]);
          this.settle(p, () => p.resolve(result!));
        } catch (alone) {
          this.settle(p, () => p.reject(alone));
        }
      }
    }
  }

  /** Frees the job's units before its caller resumes, so the caller sees the queue without it. */
  private settle(p: Pending<J, R>, finish: () => void): void {
    this.queued -= p.weight;
    finish();
  }
}
