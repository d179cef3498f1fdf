import type { StoredEvent } from '../../core/index.js';
import type { EventRepo } from '../event-repo.js';
import type { SqlExecutor } from '../sql-executor.js';
import type { Repos, Store } from '../store.js';
import { CursorTable } from './cursor-table.js';

/**
 * Where a consumer keeps its cursor and runs its transactions: the store (its batches get the store's
 * repositories, {@link inStore}) or a bare executor (its batches get the transaction's executor, {@link inSql}).
 */
export interface ConsumerDb<X> {
  readonly sql: SqlExecutor;
  transaction<R>(fn: (tx: X, sql: SqlExecutor) => Promise<R>): Promise<R>;
}

/** Batches run in store transactions and get its repositories. */
export function inStore(store: Store): ConsumerDb<Repos> {
  return { sql: store.sql, transaction: (fn) => store.transaction((tx) => fn(tx, tx.sql)) };
}

/** Batches run in transactions of `sql` and get the transaction's executor. */
export function inSql(sql: SqlExecutor): ConsumerDb<SqlExecutor> {
  return { sql, transaction: (fn) => sql.transaction((tx) => fn(tx, tx)) };
}

/** A log a consumer can follow: entries with ascending, gap-free `seq` (the event log, the membership change log). */
export interface ConsumableLog<T extends { readonly seq: number }> {
  read(afterSeq: number, limit: number): Promise<readonly T[]>;
  /** The highest readable seq (0 when empty). */
  head(): Promise<number>;
}

/** The event log as a {@link ConsumableLog}. */
export function eventLogOf(events: EventRepo): ConsumableLog<StoredEvent> {
  return { read: (after, limit) => events.readLog(after, limit), head: () => events.headSeq() };
}

/** How a {@link LogConsumer} is built. */
export interface LogConsumerOptions<T extends { readonly seq: number }, X = Repos> {
  readonly db: ConsumerDb<X>;
  readonly log: ConsumableLog<T>;
  /** The area's cursor table (`name TEXT PRIMARY KEY, seq`), and this consumer's row in it. */
  readonly table: string;
  readonly name: string;
  /** Where a cursor that does not exist yet starts: the log's start, or its head (only what is appended later). */
  readonly from: 'start' | 'head';
  /** Entries per transaction (default 500). */
  readonly batchSize?: number;
  /** Applies one batch, inside the transaction that moves the cursor past it: both commit, or neither. */
  readonly apply?: (tx: X, batch: readonly T[]) => Promise<void>;
  /**
   * For a consumer whose effects commit in their own transactions (the live scorer writes through the
   * `ScoreWriter`, which appends to the event log and must stay short): processes the batch *before* the cursor
   * moves. At least once: a crash between the two processes the batch again, so it must be idempotent.
   */
  readonly process?: (batch: readonly T[]) => Promise<void>;
}

/**
 * The one way segflow's downstream consumers (workflows, experiments, the live scorer, the monitor) follow a log:
 * a durable cursor that moves in the same transaction as everything a batch wrote (DESIGN §2). A crash replays a
 * batch whole or not at all, so effects are exactly once per entry without any idempotency on the consumer's part.
 * Several processes may run the same consumer: each transaction first claims the cursor at the position it read
 * from ({@link CursorTable.claim}); a process that lost the race rolls nothing back because it wrote nothing, and
 * reads the next batch from the new position. The alternative, a lease per consumer, would leave a batch stuck
 * while a dead holder's lease runs out; the claim costs one indexed update per batch.
 */
export class LogConsumer<T extends { readonly seq: number }, X = Repos> {
  private readonly batchSize: number;
  /**
   * Where this instance last left the cursor, so a step need not read it back. Only a hint: the claim in each
   * batch's transaction checks it against the row, and a failed claim (another process moved the cursor) or a
   * move by {@link advanceTo} drops it.
   */
  private known: number | undefined;

  constructor(private readonly options: LogConsumerOptions<T, X>) {
    this.batchSize = options.batchSize ?? 500;
  }

  /** The stored position (created at the log's start or head on first use). */
  async position(): Promise<number> {
    const { db, table, name, log, from } = this.options;
    return new CursorTable(db.sql, table).get(name, async () => (from === 'head' ? log.head() : 0));
  }

  /**
   * Applies the next batch after the cursor. `consumed` is how many entries this process applied; `more` says that
   * more may be ready at once (a full batch, or another process took this one and the log may have moved on).
   */
  async step(): Promise<ConsumerStep> {
    const { db, table, name, log, apply, process } = this.options;
    const from = this.known ?? (await this.position());
    this.known = from;
    const batch = await log.read(from, this.batchSize);
    if (batch.length === 0) return { consumed: 0, more: false };
    await process?.(batch);
    const to = (batch.at(-1) as T).seq;
    const consumed = await db.transaction(async (tx, sql) => {
      const cursors = new CursorTable(sql, table);
      if (!(await cursors.claim(name, from))) return -1;
      await apply?.(tx, batch);
      await cursors.set(name, to);
      return batch.length;
    });
    if (consumed < 0) {
      this.known = undefined;
      return { consumed: 0, more: true };
    }
    if (this.known === from) this.known = to;
    return { consumed, more: consumed >= this.batchSize };
  }

  /**
   * Moves the cursor forward to `seq` without reading (never backwards): for a consumer that covered the log up
   * to `seq` another way, e.g. the live scorer's full pass over everyone.
   */
  async advanceTo(seq: number): Promise<void> {
    this.known = undefined;
    await this.position();
    await new CursorTable(this.options.db.sql, this.options.table).advance(this.options.name, seq);
  }

  /** Steps until the log is drained (tests, a catch-up at start). Returns the entries consumed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { consumed, more } = await this.step();
      total += consumed;
      if (!more) return total;
    }
  }
}

/** What one {@link LogConsumer.step} did. */
export interface ConsumerStep {
  readonly consumed: number;
  readonly more: boolean;
}
