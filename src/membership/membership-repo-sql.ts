import type { ChangeCause, Member, MembershipChange } from '../core/index.js';
import { inList, inListParam } from '../store/index.js';
import type { SqlExecutor } from '../store/index.js';
import type { MembershipWrite } from './membership-write.js';

/** Advisory lock class for change-log appends on PostgreSQL (the second key is the schema's hash). */
const CHANGES_LOCK_CLASS = 0x5ef3;

/** Rows per statement in a full chunk (8 parameters a log row: 4,096, far under SQLite's 32,766). */
export const RECORD_CHUNK = 512;

/**
 * Splits `count` rows into statements: full chunks of {@link RECORD_CHUNK}, then the rest in descending powers of
 * two, so at most 10 row counts (and statement texts) ever occur per statement kind. Yields [from, size].
 */
function* slices(count: number): Generator<[number, number]> {
  let from = 0;
  while (count - from >= RECORD_CHUNK) {
    yield [from, RECORD_CHUNK];
    from += RECORD_CHUNK;
  }
  for (let size = RECORD_CHUNK / 2; size >= 1; size /= 2) {
    if (count - from >= size) {
      yield [from, size];
      from += size;
    }
  }
}

/** An id as the store keeps it: both executors write NUL as U+FFFD, so ids equal in the table are equal here. */
function storedId(id: string): string {
  return id.includes('\0') ? id.replaceAll('\0', '\ufffd') : id;
}

const placeholderCache = new Map<number, string>();

/** `($1, $2), ($3, $4), …`: `rows` tuples of `width` placeholders (memoised: few shapes occur). */
function placeholders(rows: number, width: number): string {
  const key = rows * 16 + width;
  const cached = placeholderCache.get(key);
  if (cached !== undefined) return cached;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (let c = 1; c <= width; c++) cols.push(`$${r * width + c}`);
    tuples.push(`(${cols.join(', ')})`);
  }
  const text = tuples.join(', ');
  placeholderCache.set(key, text);
  return text;
}

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

  /**
   * Records changes (member rows and log entries) in one transaction; returns the last seq written (0 if none).
   *
   * A constant number of statements per chunk: the log rows go in one multi-row INSERT per chunk, in write
   * order (both SQLite and PostgreSQL number a multi-row VALUES in order, so seqs follow the writes); the member
   * rows are written from each (segment, profile)'s FINAL state in the batch — one multi-row DELETE for keys whose
   * last write is an exit, one multi-row upsert (since = that write's `at`) for keys whose last write is an entry.
   * Statement sizes come from a fixed ladder (full chunks, then powers of two) so the prepared-statement cache
   * sees a bounded set of texts.
   */
  async record(writes: readonly MembershipWrite[], recordedAt: number): Promise<number> {
    if (writes.length === 0) return 0;
    // The last write per (segment, profile) as stored.
    const last = new Map<string, Map<string, MembershipWrite>>();
    for (const w of writes) {
      const segmentId = storedId(w.segmentId);
      let bySegment = last.get(segmentId);
      if (bySegment === undefined) last.set(segmentId, (bySegment = new Map()));
      bySegment.set(storedId(w.profileId), w);
    }
    const entered: MembershipWrite[] = [];
    const exited: MembershipWrite[] = [];
    for (const bySegment of last.values()) for (const w of bySegment.values()) (w.kind === 'entered' ? entered : exited).push(w);
    return this.sql.transaction(async (tx) => {
      await tx.dialect.serialise(tx, CHANGES_LOCK_CLASS);
      for (const [from, n] of slices(exited.length)) {
        const params: unknown[] = [];
        for (let i = from; i < from + n; i++) params.push(exited[i]?.segmentId, exited[i]?.profileId);
        await tx.execute(`DELETE FROM segment_members WHERE (segment_id, profile_id) IN (VALUES ${placeholders(n, 2)})`, params);
      }
      for (const [from, n] of slices(entered.length)) {
        const params: unknown[] = [];
        for (let i = from; i < from + n; i++) {
          const w = entered[i] as MembershipWrite;
          params.push(w.segmentId, w.profileId, w.workspaceId, w.at);
        }
        await tx.execute(
          `INSERT INTO segment_members (segment_id, profile_id, workspace_id, since) VALUES ${placeholders(n, 4)}
           ON CONFLICT (segment_id, profile_id) DO UPDATE SET since = excluded.since`,
          params,
        );
      }
      let lastSeq = 0;
      for (const [from, n] of slices(writes.length)) {
        const params: unknown[] = [];
        for (let i = from; i < from + n; i++) {
          const w = writes[i] as MembershipWrite;
          params.push(w.workspaceId, w.segmentId, w.segmentVersion, w.profileId, w.kind, w.at, recordedAt, JSON.stringify(w.cause));
        }
        const rows = await tx.query<{ seq: unknown }>(
          `INSERT INTO membership_changes (workspace_id, segment_id, segment_version, profile_id, kind, at, recorded_at, cause)
           VALUES ${placeholders(n, 8)} RETURNING seq`,
          params,
        );
        // RETURNING's row order is unspecified (SQLite); the seqs themselves follow the VALUES order.
        for (const r of rows) lastSeq = Math.max(lastSeq, Number(r.seq));
      }
      return lastSeq;
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
