import type { MembershipChange } from '../core/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { SqlExecutor } from '../store/index.js';
import { inList, inListParam, inSql, LogConsumer } from '../store/index.js';
import { BUCKET_MS, bucketStart, fillSeries, type SizePoint, type SizeResolution } from './size-buckets.js';

const CURSOR = 'size_history';
const RESOLUTIONS: readonly SizeResolution[] = ['hour', 'day'];

/** Options of {@link SizeHistory}. */
export interface SizeHistoryOptions {
  /** Changes read per transaction (default 2000). */
  readonly batch?: number;
}

interface Bucket {
  workspaceId: string;
  segmentId: string;
  resolution: SizeResolution;
  t: number;
  size: number;
  entered: number;
  exited: number;
}

/**
 * Every segment's size over time, at hour and day resolution, derived from the membership change log: the log
 * is the source of truth, so the history is a fold over it and can always be rebuilt by resetting its cursor.
 *
 * A change lands in the bucket of its `recordedAt` (when segflow recorded it), not of its logical `at`. A late
 * event can produce a change whose `at` lies hours back; putting it there would rewrite buckets already shown
 * and make the history disagree with what destinations were told at the time. The price: a backfill of a new
 * segment appears as one jump at the moment it was saved, which is also what the marketer saw happen.
 *
 * Exactly-once: a {@link LogConsumer} (cursor `size_history` in `monitor_cursors`) applies each batch in the
 * transaction that moves the cursor, after claiming it, so a batch another process applied first is not
 * applied again.
 */
export class SizeHistory {
  private readonly consumer: LogConsumer<MembershipChange, SqlExecutor>;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly changes: ChangeLog,
    options: SizeHistoryOptions = {},
  ) {
    this.consumer = new LogConsumer({
      db: inSql(sql),
      log: changes,
      table: 'monitor_cursors',
      name: CURSOR,
      from: 'start',
      batchSize: options.batch ?? 2000,
      apply: (tx, page) => this.apply(tx, page),
    });
  }

  /** Applies the next batch of changes after the stored cursor; true when more may follow. */
  async step(): Promise<boolean> {
    return (await this.consumer.step()).more;
  }

  /**
   * Drops hourly buckets older than `before`, except each segment's newest one before it: that bucket carries
   * the segment's size into the kept range (a segment unchanged for months still shows its size, not 0). Daily
   * buckets are kept. Hourly series are served for at most 60 days ({@link MAX_POINTS}), so
   * {@link HOURLY_RETENTION_MS} is the default cut. Returns the rows removed.
   */
  async pruneHourly(before: number): Promise<number> {
    return this.sql.execute(
      `DELETE FROM segment_size_buckets WHERE resolution = 'hour' AND bucket_start < $1
         AND bucket_start < (SELECT MAX(p.bucket_start) FROM segment_size_buckets p
                             WHERE p.segment_id = segment_size_buckets.segment_id AND p.resolution = 'hour' AND p.bucket_start < $1)`,
      [before],
    );
  }

  /** Applies changes until the log's head is reached (tests, and the first run after start). */
  async catchUp(): Promise<void> {
    while (await this.step());
  }

  private async apply(tx: SqlExecutor, page: readonly MembershipChange[]): Promise<void> {
    const segmentIds = [...new Set(page.map((c) => c.segmentId))];
    const current = new Map<string, number>();
    const rows = await tx.query<{ segment_id: string; size: number }>(
      `SELECT segment_id, size FROM segment_size_current WHERE ${inList(tx, 'segment_id', 1)}`,
      [inListParam(tx, segmentIds)],
    );
    for (const r of rows) current.set(r.segment_id, Number(r.size));
    const buckets = new Map<string, Bucket>();
    const workspaceOf = new Map<string, string>();
    const lastChange = new Map<string, number>();
    for (const c of page) {
      const size = (current.get(c.segmentId) ?? 0) + (c.kind === 'entered' ? 1 : -1);
      current.set(c.segmentId, size);
      workspaceOf.set(c.segmentId, c.workspaceId);
      lastChange.set(c.segmentId, Math.max(lastChange.get(c.segmentId) ?? 0, c.recordedAt));
      for (const resolution of RESOLUTIONS) {
        const t = bucketStart(c.recordedAt, resolution);
        const key = `${c.segmentId}\u0000${resolution}\u0000${t}`;
        const b = buckets.get(key) ?? { workspaceId: c.workspaceId, segmentId: c.segmentId, resolution, t, size, entered: 0, exited: 0 };
        b.size = size;
        if (c.kind === 'entered') b.entered++;
        else b.exited++;
        buckets.set(key, b);
      }
    }
    for (const b of buckets.values()) {
      await tx.execute(
        `INSERT INTO segment_size_buckets (segment_id, resolution, bucket_start, workspace_id, size, entered, exited)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (segment_id, resolution, bucket_start) DO UPDATE SET
           size = excluded.size,
           entered = segment_size_buckets.entered + excluded.entered,
           exited = segment_size_buckets.exited + excluded.exited`,
        [b.segmentId, b.resolution, b.t, b.workspaceId, b.size, b.entered, b.exited],
      );
    }
    for (const [segmentId, size] of current) {
      await tx.execute(
        `INSERT INTO segment_size_current (segment_id, workspace_id, size, last_change_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (segment_id) DO UPDATE SET size = excluded.size, last_change_at = excluded.last_change_at`,
        [segmentId, workspaceOf.get(segmentId)!, size, lastChange.get(segmentId)!],
      );
    }
  }

  /**
   * One segment's size at every bucket from `from` to `to` (filled: a bucket without changes carries the size
   * before it). Sizes are as of the history's cursor; call after {@link catchUp} for an exact answer.
   */
  async series(workspaceId: string, segmentId: string, resolution: SizeResolution, from: number, to: number): Promise<SizePoint[]> {
    return (await this.seriesOf(workspaceId, [segmentId], resolution, from, to)).get(segmentId) ?? [];
  }

  /** When each segment of the workspace last had a member enter or exit (as recorded), by segment id. */
  async lastChanges(workspaceId: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ segment_id: string; last_change_at: number }>(
      'SELECT segment_id, last_change_at FROM segment_size_current WHERE workspace_id = $1',
      [workspaceId],
    );
    return new Map(rows.map((r) => [r.segment_id, Number(r.last_change_at)]));
  }

  /** {@link series} for many segments at once (the segment list's sparklines), two queries in all. */
  async seriesOf(workspaceId: string, segmentIds: readonly string[], resolution: SizeResolution, from: number, to: number): Promise<Map<string, SizePoint[]>> {
    const start = bucketStart(from, resolution);
    const stored = await this.sql.query<{ segment_id: string; bucket_start: number; size: number; entered: number; exited: number }>(
      `SELECT segment_id, bucket_start, size, entered, exited FROM segment_size_buckets
       WHERE workspace_id = $1 AND resolution = $2 AND bucket_start >= $3 AND bucket_start <= $4 AND ${inList(this.sql, 'segment_id', 5)}
       ORDER BY segment_id, bucket_start`,
      [workspaceId, resolution, start, bucketStart(to, resolution), inListParam(this.sql, segmentIds)],
    );
    const before = await this.sql.query<{ segment_id: string; size: number }>(
      `SELECT b.segment_id, b.size FROM segment_size_buckets b
       WHERE b.workspace_id = $1 AND b.resolution = $2 AND ${inList(this.sql, 'b.segment_id', 4)}
         AND b.bucket_start = (SELECT MAX(p.bucket_start) FROM segment_size_buckets p
                               WHERE p.segment_id = b.segment_id AND p.resolution = $2 AND p.bucket_start < $3)`,
      [workspaceId, resolution, start, inListParam(this.sql, segmentIds)],
    );
    const sizeBefore = new Map(before.map((r) => [r.segment_id, Number(r.size)]));
    const bySegment = new Map<string, SizePoint[]>();
    for (const r of stored) {
      const list = bySegment.get(r.segment_id) ?? [];
      list.push({ t: Number(r.bucket_start), size: Number(r.size), entered: Number(r.entered), exited: Number(r.exited) });
      bySegment.set(r.segment_id, list);
    }
    const out = new Map<string, SizePoint[]>();
    for (const id of segmentIds) out.set(id, fillSeries(bySegment.get(id) ?? [], sizeBefore.get(id) ?? 0, from, to, resolution));
    return out;
  }
}

/** How long hourly buckets are kept ({@link SizeHistory.pruneHourly}): the 60 days an hourly series may span. */
export const HOURLY_RETENTION_MS = 60 * 24 * 60 * 60 * 1000;

/** The most buckets one series request may span (a year of days, or 60 days of hours). */
export const MAX_POINTS: Readonly<Record<SizeResolution, number>> = { hour: 24 * 60, day: 400 };

/** Clamps a requested range to {@link MAX_POINTS} buckets ending at `to`. */
export function clampRange(resolution: SizeResolution, from: number, to: number): { from: number; to: number } {
  const earliest = to - (MAX_POINTS[resolution] - 1) * BUCKET_MS[resolution];
  return { from: Math.max(from, earliest), to };
}
