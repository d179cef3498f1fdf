import type { ChangeCause, Member, MembershipChange } from '../core/index.js';
import { inList, inListParam } from '../store/index.js';
import type { SqlExecutor } from '../store/index.js';
import type { MembershipWrite } from './membership-write.js';

/** Advisory lock class for change-log appends on PostgreSQL (the second key is the schema's hash). */
const CHANGES_LOCK_CLASS = 0x5ef3;

interface ChangeRow extends Record<string, unknown> {
  seq: unknown;
  workspace_id: string;
  segment_id: string;
  segment_version: unknown;
  profile_id: string;
  kind: 'entered' | 'exited';
  at: unknown;
  recorded_at: unknown;
  cause: string;
}

function toChange(row: ChangeRow): MembershipChange {
  return {
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    segmentId: row.segment_id,
    segmentVersion: Number(row.segment_version),
    profileId: row.profile_id,
    kind: row.kind,
    at: Number(row.at),
    recordedAt: Number(row.recorded_at),
    cause: JSON.parse(row.cause) as ChangeCause,
  };
}

/**
 * Current members and the append-only change log, written once for both dialects on a {@link SqlExecutor}.
 * Pass the transaction's executor to write membership atomically with the engine's other effects.
 *
 * Gap-free on PostgreSQL: `bigserial` numbers are handed out at insert, not commit, so {@link record} takes a
 * transaction-scoped advisory lock first (the event log's pattern): change-writing transactions commit in seq
 * order, and a reader that stores the last seq it saw never skips a change. On SQLite the single writer gives the
 * same order.
 */
export class MembershipRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Records changes (member rows and log entries) in one transaction; returns the last seq written (0 if none). */
  async record(writes: readonly MembershipWrite[], recordedAt: number): Promise<number> {
    if (writes.length === 0) return 0;
    return this.sql.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK_CLASS}, hashtext(current_schema()))`);
      let last = 0;
      for (const w of writes) {
        if (w.kind === 'entered') {
          await tx.execute(
            `INSERT INTO segment_members (segment_id, profile_id, workspace_id, since) VALUES ($1, $2, $3, $4)
             ON CONFLICT (segment_id, profile_id) DO UPDATE SET since = excluded.since`,
            [w.segmentId, w.profileId, w.workspaceId, w.at],
          );
        } else {
          await tx.execute('DELETE FROM segment_members WHERE segment_id = $1 AND profile_id = $2', [w.segmentId, w.profileId]);
        }
        const rows = await tx.query<{ seq: unknown }>(
          `INSERT INTO membership_changes (workspace_id, segment_id, segment_version, profile_id, kind, at, recorded_at, cause)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
          [w.workspaceId, w.segmentId, w.segmentVersion, w.profileId, w.kind, w.at, recordedAt, JSON.stringify(w.cause)],
        );
        last = Number(rows[0]?.seq ?? last);
      }
      return last;
    });
  }

  /** The segments a profile is currently in, with since. */
  async membershipsOf(profileId: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ segment_id: string; since: unknown }>(
      'SELECT segment_id, since FROM segment_members WHERE profile_id = $1',
      [profileId],
    );
    return new Map(rows.map((r) => [r.segment_id, Number(r.since)]));
  }

  /** The current memberships of several profiles (profile id → segment id → since), in one query. */
  async membershipsOfMany(profileIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>(profileIds.map((id) => [id, new Map()]));
    if (profileIds.length === 0) return out;
    const rows = await this.sql.query<{ segment_id: string; profile_id: string; since: unknown }>(
      `SELECT segment_id, profile_id, since FROM segment_members WHERE ${inList(this.sql, 'profile_id', 1)}`,
      [inListParam(this.sql, profileIds)],
    );
    for (const r of rows) out.get(r.profile_id)?.set(r.segment_id, Number(r.since));
    return out;
  }

  /** Whether a profile is a member of a segment, with since. */
  async member(segmentId: string, profileId: string): Promise<Member | undefined> {
    const rows = await this.sql.query<{ since: unknown }>(
      'SELECT since FROM segment_members WHERE segment_id = $1 AND profile_id = $2',
      [segmentId, profileId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { segmentId, profileId, since: Number(row.since) };
  }

  /** Members in profile-id order after `afterProfileId`. */
  async members(segmentId: string, afterProfileId: string | null, limit: number): Promise<Member[]> {
    const rows = await this.sql.query<{ profile_id: string; since: unknown }>(
      `SELECT profile_id, since FROM segment_members WHERE segment_id = $1 AND profile_id > $2
       ORDER BY profile_id LIMIT $3`,
      [segmentId, afterProfileId ?? '', limit],
    );
    return rows.map((r) => ({ segmentId, profileId: r.profile_id, since: Number(r.since) }));
  }

  /** Every member's profile id (for backfill diffs). */
  async allMemberIds(segmentId: string): Promise<Set<string>> {
    const rows = await this.sql.query<{ profile_id: string }>('SELECT profile_id FROM segment_members WHERE segment_id = $1', [
      segmentId,
    ]);
    return new Set(rows.map((r) => r.profile_id));
  }

  /** How many members a segment has. */
  async count(segmentId: string): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = $1', [
      segmentId,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Change-log entries after `afterSeq`, in seq order. */
  async readChanges(afterSeq: number, limit: number, workspaceId?: string): Promise<MembershipChange[]> {
    const rows =
      workspaceId === undefined
        ? await this.sql.query<ChangeRow>('SELECT * FROM membership_changes WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])
        : await this.sql.query<ChangeRow>(
            'SELECT * FROM membership_changes WHERE workspace_id = $3 AND seq > $1 ORDER BY seq LIMIT $2',
            [afterSeq, limit, workspaceId],
          );
    return rows.map(toChange);
  }

  /** The highest change seq (0 when empty). */
  async headSeq(): Promise<number> {
    const rows = await this.sql.query<{ head: unknown }>('SELECT COALESCE(MAX(seq), 0) AS head FROM membership_changes');
    return Number(rows[0]?.head ?? 0);
  }
}
