import { inList, inListParam, partitionOf } from '../../store/index.js';
import type { SqlExecutor } from '../../store/index.js';

/** A durable pending timer: re-evaluate `segmentId` for `profileId` at `dueAt`. */
export interface TimerRow {
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly profileId: string;
  readonly dueAt: number;
}

/** One timer to arm (`dueAt` set) or disarm (`dueAt` undefined), for {@link TimerRepoSql.setMany}. */
export interface TimerSetWrite {
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly profileId: string;
  readonly dueAt: number | undefined;
}

const ARMED = [
  ['s', 'text'],
  ['p', 'text'],
  ['w', 'text'],
  ['d', 'bigint'],
  ['pa', 'bigint'],
] as const;
const DISARMED = [
  ['s', 'text'],
  ['p', 'text'],
] as const;

/**
 * Durable timers, at most one per (segment, profile) by primary key, with a due-time index so that the engine
 * reads only the near horizon. Written in the same transaction as the membership change a timer's evaluation
 * produces, which is what makes a timer fire exactly once across crashes.
 */
export class TimerRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Arms (or moves) the timer of (segment, profile), or removes it when `dueAt` is undefined. `partitions` is the
   * event log's number of partitions: a timer is stored with its profile's partition, whose engine fires it.
   */
  async set(workspaceId: string, segmentId: string, profileId: string, dueAt: number | undefined, partitions = 1): Promise<void> {
    if (dueAt === undefined) {
      await this.sql.execute('DELETE FROM engine_timers WHERE segment_id = $1 AND profile_id = $2', [segmentId, profileId]);
      return;
    }
    await this.sql.execute(
      `INSERT INTO engine_timers (segment_id, profile_id, workspace_id, due_at, part) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at, part = excluded.part`,
      [segmentId, profileId, workspaceId, dueAt, partitionOf(profileId, partitions)],
    );
  }

  /**
   * Applies many {@link set}s in two statements (one upsert, one delete) whatever their number. Each
   * (segment, profile) must appear at most once: the statements apply the list as a set, not in order.
   * `partitions` as for {@link set}.
   */
  async setMany(writes: readonly TimerSetWrite[], partitions = 1): Promise<void> {
    const armed = writes.filter((w) => w.dueAt !== undefined);
    const disarmed = writes.filter((w) => w.dueAt === undefined);
    if (armed.length > 0) {
      const set = this.sql.dialect.rowSet(
        1,
        ARMED,
        armed.map((w) => [w.segmentId, w.profileId, w.workspaceId, w.dueAt, partitionOf(w.profileId, partitions)]),
      );
      await this.sql.execute(
        `INSERT INTO engine_timers (segment_id, profile_id, workspace_id, due_at, part)
         SELECT s, p, w, d, pa FROM ${set.sql} AS t WHERE true
         ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at, part = excluded.part`,
        set.params,
      );
    }
    if (disarmed.length > 0) {
      const set = this.sql.dialect.rowSet(1, DISARMED, disarmed.map((w) => [w.segmentId, w.profileId]));
      await this.sql.execute(`DELETE FROM engine_timers WHERE (segment_id, profile_id) IN (SELECT s, p FROM ${set.sql} AS t)`, set.params);
    }
  }

  /**
   * Timers due at or before `until` (and after `after`, when given), earliest first, at most `limit`; only those of
   * one partition when given.
   */
  async dueBy(until: number, limit: number, partition?: number, after?: number): Promise<TimerRow[]> {
    const lower = after === undefined || !Number.isFinite(after) ? -Number.MAX_SAFE_INTEGER : after;
    const rows = await this.sql.query<{ workspace_id: string; segment_id: string; profile_id: string; due_at: unknown }>(
      partition === undefined
        ? 'SELECT workspace_id, segment_id, profile_id, due_at FROM engine_timers WHERE due_at > $3 AND due_at <= $1 ORDER BY due_at LIMIT $2'
        : 'SELECT workspace_id, segment_id, profile_id, due_at FROM engine_timers WHERE part = $4 AND due_at > $3 AND due_at <= $1 ORDER BY due_at LIMIT $2',
      partition === undefined ? [until, limit, lower] : [until, limit, lower, partition],
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, segmentId: r.segment_id, profileId: r.profile_id, dueAt: Number(r.due_at) }));
  }

  /** The timer of (segment, profile), if any. */
  async get(segmentId: string, profileId: string): Promise<number | undefined> {
    const rows = await this.sql.query<{ due_at: unknown }>('SELECT due_at FROM engine_timers WHERE segment_id = $1 AND profile_id = $2', [
      segmentId,
      profileId,
    ]);
    return rows[0] === undefined ? undefined : Number(rows[0].due_at);
  }

  /** Every timer of a profile (segment id → due). */
  async ofProfile(profileId: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ segment_id: string; due_at: unknown }>(
      'SELECT segment_id, due_at FROM engine_timers WHERE profile_id = $1',
      [profileId],
    );
    return new Map(rows.map((r) => [r.segment_id, Number(r.due_at)]));
  }

  /** The timers of several profiles (profile id → segment id → due), in one query. */
  async ofProfiles(profileIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>(profileIds.map((id) => [id, new Map()]));
    if (profileIds.length === 0) return out;
    const rows = await this.sql.query<{ segment_id: string; profile_id: string; due_at: unknown }>(
      `SELECT segment_id, profile_id, due_at FROM engine_timers WHERE ${inList(this.sql, 'profile_id', 1)}`,
      [inListParam(this.sql, profileIds)],
    );
    for (const r of rows) out.get(r.profile_id)?.set(r.segment_id, Number(r.due_at));
    return out;
  }

  /** Drops every timer of a segment (deleted or re-backfilled), or only those of one partition. */
  async deleteSegment(segmentId: string, partition?: number): Promise<void> {
    if (partition === undefined) await this.sql.execute('DELETE FROM engine_timers WHERE segment_id = $1', [segmentId]);
    else await this.sql.execute('DELETE FROM engine_timers WHERE segment_id = $1 AND part = $2', [segmentId, partition]);
  }

  /** Pending timers per partition, and how many are overdue at `now` (for the cluster status). */
  async countByPartition(now: number): Promise<Map<number, { pending: number; overdue: number }>> {
    const rows = await this.sql.query<{ part: unknown; n: unknown; overdue: unknown }>(
      'SELECT part, COUNT(*) AS n, SUM(CASE WHEN due_at <= $1 THEN 1 ELSE 0 END) AS overdue FROM engine_timers GROUP BY part',
      [now],
    );
    return new Map(rows.map((r) => [Number(r.part), { pending: Number(r.n), overdue: Number(r.overdue ?? 0) }]));
  }

  /** How many timers are pending. */
  async count(): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM engine_timers');
    return Number(rows[0]?.n ?? 0);
  }
}
