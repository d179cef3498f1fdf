import type { StoredEvent } from '../../core/index.js';

/** How a {@link LogTail} reads the table it caches. */
export interface LogTailSource {
  /** The first `limit` events with seq > `afterSeq`, in seq order, from the table. */
  readRows(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The log's rewrite generation (migration 0004): it moves whenever any stored event changes or goes. */
  generation(): Promise<number>;
}

/** Events a tail keeps by default: the followers run within a few ingestion groups of each other. */
export const DEFAULT_LOG_TAIL_CAPACITY = 8_192;

/**
 * The newest stretch of the event log, read once and handed to every follower of the log.
 *
 * Why: after each ingestion commit, five followers (the engine, workflows, experiments, the data catalogue,
 * the live scorer) each read the same new events back with `readLog` — the largest cost on the HTTP thread
 * and most of its garbage (docs/performance.md). The tail keeps what one of them read, so the others take the
 * same objects from memory.
 *
 * The invariant: `rows` are exactly the table's events with seq in (`from`, `upto`], as of rewrite generation
 * `gen`. Appends keep it true, because seqs are never reused (AUTOINCREMENT) and SQLite commits appends in seq
 * order, so a row committed later always has a seq above every row visible before. Every other change to the
 * log — an identity merge re-pointing events, an erasure, retention — bumps the generation in its own
 * transaction (a trigger, migration 0004), so each read first reads the generation and drops the tail when it
 * moved. The generation is read BEFORE the rows, so rows read just after a rewrite committed are at worst
 * dropped once more than needed, never kept stale. A read the tail cannot serve from memory reads only what it
 * lacks: the rows after `upto`, which then extend the tail.
 *
 * The price: one single-row read per call instead of a 500-row read with three JSON columns parsed, and the
 * objects are shared between followers — `StoredEvent` is readonly throughout, and must stay so. Readers behind
 * the tail's start (a follower catching up) read the table directly and leave the tail alone. Only reads outside
 * a transaction may use it: inside one, the connection sees that transaction's own uncommitted rows.
 */
export class LogTail {
  private rows: StoredEvent[] = [];
  private from = 0;
  private upto = 0;
  private gen: number | undefined;

  constructor(
    private readonly source: LogTailSource,
    private readonly capacity = DEFAULT_LOG_TAIL_CAPACITY,
  ) {}

  /** The first `limit` events with seq > `afterSeq`, as `readLog` returns them. */
  async read(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    let generation: number;
    try {
      generation = await this.source.generation();
    } catch (error) {
      // A database without migration 0004 (opened without migrating) has no generation: no tail, only the table.
      if (/no such table/i.test(String(error))) return this.source.readRows(afterSeq, limit);
      throw error;
    }
    if (generation !== this.gen || afterSeq > this.upto) this.reset(generation, afterSeq);
    if (afterSeq < this.from) return this.source.readRows(afterSeq, limit);
    const start = this.firstAfter(afterSeq);
    const cached = this.rows.slice(start, start + limit);
    if (cached.length === limit) return cached;
    const base = this.upto;
    const fresh = await this.source.readRows(base, limit - cached.length);
    // Another read may have run while this one waited: these rows continue the tail only if it still ends at
    // `base` under the same generation (else they would be doubled, or belong to a dropped tail).
    if (this.gen === generation && this.upto === base) {
      for (const e of fresh) this.rows.push(e);
      if (fresh.length > 0) this.upto = fresh.at(-1)!.seq;
      this.trim();
    }
    return cached.length === 0 ? fresh : cached.concat(fresh);
  }

  /** Forgets every row (the next read starts a new tail). */
  clear(): void {
    this.rows = [];
    this.gen = undefined;
  }

  private reset(generation: number, at: number): void {
    this.rows = [];
    this.gen = generation;
    this.from = at;
    this.upto = at;
  }

  /** Index of the first row with seq > `seq` (binary search; rows ascend by seq). */
  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private trim(): void {
    const excess = this.rows.length - this.capacity;
    if (excess <= 0) return;
    this.from = this.rows[excess - 1]!.seq;
    this.rows = this.rows.slice(excess);
  }
}
