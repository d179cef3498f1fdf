import type { SqlExecutor } from './sql-executor.js';

/** How far the engine work of one partition of the event log has got. */
export interface PartitionPosition {
  readonly partition: number;
  /**
   * The last seq (global) of the partition whose effects are committed: the larger of its partition engine's
   * cursor (`<name>:p<i>`) and the whole-log engine's (`<name>`); 0 before either committed a batch.
   */
  readonly cursor: number;
  /** Events of the partition after the cursor (stored, not yet evaluated). */
  readonly waiting: number;
  /** When the oldest of them was received (null when none waits). */
  readonly oldestWaitingReceivedAt: number | null;
}

/** Where the engine work stands over the whole log: one position per partition, and their summary. */
export interface ProcessedUpTo {
  readonly partitions: readonly PartitionPosition[];
  /** The smallest cursor: every event with seq ≤ this is processed, whatever its partition. */
  readonly min: number;
  /** Events waiting in all partitions. */
  readonly waiting: number;
  /** The oldest waiting event's reception instant over all partitions (null when none waits). */
  readonly oldestWaitingReceivedAt: number | null;
}

/**
 * "Processed up to", per partition: the one reading of the engine cursors that every reader of engine progress
 * shares (event retention, the change-lag alert, `GET /api/cluster`, the lag gauge), whichever way the engine
 * work is laid out: one engine over the whole log (cursor `engine`, SQLite or a one-partition PostgreSQL) or one
 * engine per partition (cursors `engine:p<i>`, a cluster).
 *
 * An event is processed once the cursor of its partition has passed it: a partition's engine follows its
 * partition gap-free in seq order (see `EventRepo.readPartition`), so `part = i AND seq ≤ cursor(i)` is exactly
 * the set whose effects are committed. That per-partition condition is what a deletion must use: the global
 * `min` is safe too but an idle partition (no event since its engine's last batch) holds it back for ever, and
 * "nothing waits in a partition" is not a safe bound either, since an append may have taken a seq and not yet
 * committed. A partition with no cursor row (its engine never committed a batch) counts from the beginning.
 */
export async function processedUpTo(sql: SqlExecutor, cursorName = 'engine'): Promise<ProcessedUpTo> {
  const parts = Math.max(1, Number((await sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM event_partitions'))[0]?.n ?? 1));
  const rows = await sql.query<{ name: string; seq: unknown }>('SELECT name, seq FROM engine_cursors WHERE name = $1 OR name LIKE $2', [
    cursorName,
    `${cursorName}:p%`,
  ]);
  const cursors = new Map(rows.map((r) => [r.name, Number(r.seq)]));
  const whole = cursors.get(cursorName) ?? 0;
  const partitions: PartitionPosition[] = [];
  for (let p = 0; p < parts; p++) {
    const cursor = Math.max(whole, cursors.get(`${cursorName}:p${p}`) ?? 0);
    const lag = await sql.query<{ n: unknown; oldest: unknown }>('SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM events WHERE part = $1 AND seq > $2', [
      p,
      cursor,
    ]);
    const oldest = lag[0]?.oldest;
    partitions.push({
      partition: p,
      cursor,
      waiting: Number(lag[0]?.n ?? 0),
      oldestWaitingReceivedAt: oldest === null || oldest === undefined ? null : Number(oldest),
    });
  }
  const waitingSince = partitions.map((p) => p.oldestWaitingReceivedAt).filter((t): t is number => t !== null);
  return {
    partitions,
    min: Math.min(...partitions.map((p) => p.cursor)),
    waiting: partitions.reduce((n, p) => n + p.waiting, 0),
    oldestWaitingReceivedAt: waitingSince.length === 0 ? null : Math.min(...waitingSince),
  };
}

/**
 * The SQL condition "this `events` row is processed" for a {@link ProcessedUpTo} (columns `part` and `seq`
 * unqualified): `seq ≤ max cursor AND seq ≤ CASE part WHEN i THEN cursor(i) … END`. The cursors are integers read
 * from the database, written inline; the first bound lets an index on `seq` serve the range.
 */
export function processedCondition(up: ProcessedUpTo): string {
  const max = Math.max(0, ...up.partitions.map((p) => Math.trunc(p.cursor)));
  const cases = up.partitions.map((p) => `WHEN ${Math.trunc(p.partition)} THEN ${Math.trunc(p.cursor)}`).join(' ');
  return `(seq <= ${max} AND seq <= CASE part ${cases} ELSE 0 END)`;
}
