import type { EventType, NewEvent, StoredEvent } from '../../core/index.js';
import type { AppendResult, EventRepo, HistoryScan, ProfileEventsQuery, ProfileHistory } from '../event-repo.js';
import { readHistories, scanHistories } from './history-reads-sql.js';
import { stripNul } from '../internal/strip-nul.js';
import type { DialectName } from '../sql-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';
import { inList, inListParam } from './in-list.js';
import { fromJsonObject, toJson } from './json-column.js';

/** Advisory lock class for appends on PostgreSQL (the second key is the schema's hash). */
const APPEND_LOCK_CLASS = 0x5ef2;

const COLUMNS =
  'seq, workspace_id, message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at, properties, traits, context';

const INSERT_COLUMNS =
  'workspace_id, message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at, properties, traits, context';

const SQLITE_INSERT = `INSERT INTO events (${INSERT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING seq`;

// One statement for any batch size: the columns travel as arrays and are unnested in input order.
const POSTGRES_INSERT = `INSERT INTO events (${INSERT_COLUMNS})
  SELECT w, m, p, t, n, u, a, ts, r, pr::jsonb, tr::jsonb, c::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[])
       WITH ORDINALITY AS x(w, m, p, t, n, u, a, ts, r, pr, tr, c, ord)
  ORDER BY ord
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING seq, workspace_id, message_id`;

interface EventRow extends Record<string, unknown> {
  seq: number;
  workspace_id: string;
  message_id: string;
  profile_id: string;
  type: EventType;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: number;
  received_at: number;
  properties: unknown;
  traits: unknown;
  context: unknown;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    messageId: row.message_id,
    profileId: row.profile_id,
    type: row.type,
    name: row.name,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    timestamp: Number(row.timestamp),
    receivedAt: Number(row.received_at),
    properties: fromJsonObject(row.properties),
    traits: fromJsonObject(row.traits),
    context: fromJsonObject(row.context),
  };
}

/**
 * The event with NUL replaced in its top-level strings, as the executors will store them, so that returned
 * events and duplicate detection agree with the stored rows. (NUL inside properties/traits/context is replaced
 * in storage too, but not in the returned objects.)
 */
function withoutNul(e: NewEvent): NewEvent {
  const fields = [e.workspaceId, e.messageId, e.profileId, e.name, e.userId, e.anonymousId];
  if (!fields.some((f) => f !== null && f.includes('\0'))) return e;
  const clean = (v: string | null): string | null => (v === null ? null : stripNul(v));
  return {
    ...e,
    workspaceId: stripNul(e.workspaceId),
    messageId: stripNul(e.messageId),
    profileId: stripNul(e.profileId),
    name: clean(e.name),
    userId: clean(e.userId),
    anonymousId: clean(e.anonymousId),
  };
}

/**
 * {@link EventRepo} written once for both dialects on a {@link SqlExecutor}.
 *
 * Gap-free log on PostgreSQL: a `bigserial` hands out numbers at insert time, not at commit, so two
 * concurrent appenders could commit seq 6 before seq 5, and a consumer that read 6 and stored it as its
 * cursor would skip 5 forever. `append` therefore takes a transaction-scoped advisory lock before inserting:
 * appending transactions hold it until they commit, so they commit in seq order and every seq a reader can
 * see has all its smaller seqs already committed (or rolled back for good). The price is that appending
 * transactions are serialised, so keep them short. On SQLite the single writer gives the same order for free.
 *
 * Filtering reads by `tx_id < pg_snapshot_xmin(pg_current_snapshot())` instead would not be enough: a
 * transaction with a smaller xid can take its seq after a larger-xid one did, so a row with an old xid can
 * still sit above an uncommitted smaller seq; and any long transaction anywhere in the cluster would hold
 * the xmin, and so the whole log, back.
 */
export class EventRepoSql implements EventRepo {
  constructor(private readonly sql: SqlExecutor) {}

  async append(input: readonly NewEvent[]): Promise<AppendResult> {
    if (input.length === 0) return { inserted: [], duplicates: [] };
    const events = input.map(withoutNul);
    return this.sql.transaction((tx) => APPEND[tx.dialect.name](tx, events));
  }

  async existing(workspaceId: string, messageIds: readonly string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.sql.query<{ message_id: string }>(
      `SELECT message_id FROM events WHERE workspace_id = $1 AND ${inList(this.sql, 'message_id', 2)}`,
      [workspaceId, inListParam(this.sql, messageIds)],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  async listByProfile(workspaceId: string, profileId: string, query: ProfileEventsQuery): Promise<StoredEvent[]> {
    const params: unknown[] = [workspaceId, profileId, query.beforeSeq ?? Number.MAX_SAFE_INTEGER, query.limit];
    let names = '';
    if (query.names) {
      if (query.names.length === 0) return [];
      names = ` AND ${inList(this.sql, 'name', 5)}`;
      params.push(inListParam(this.sql, query.names));
    }
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
       WHERE workspace_id = $1 AND profile_id = $2 AND seq < $3${names}
       ORDER BY seq DESC LIMIT $4`,
      params,
    );
    return rows.map(toEvent);
  }

  async historyOf(workspaceId: string, profileId: string): Promise<StoredEvent[]> {
    // Read by the (workspace, profile, seq) index and sort in memory: the whole history is loaded anyway, and
    // a second index by event time would cost every append (see migration 0003).
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE workspace_id = $1 AND profile_id = $2 ORDER BY seq`,
      [workspaceId, profileId],
    );
    return rows.map(toEvent).sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  }

  historiesOf(workspaceId: string, profileIds: readonly string[], uptoSeq: number): Promise<Map<string, StoredEvent[]>> {
    return readHistories(this.sql, workspaceId, profileIds, uptoSeq);
  }

  scanHistories(workspaceId: string, scan: HistoryScan): AsyncIterable<ProfileHistory> {
    return scanHistories(this.sql, workspaceId, scan);
  }

  async readLog(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      afterSeq,
      limit,
    ]);
    return rows.map(toEvent);
  }

  async headSeq(): Promise<number> {
    const rows = await this.sql.query<{ head: unknown }>('SELECT COALESCE(MAX(seq), 0) AS head FROM events');
    return Number(rows[0]?.head ?? 0);
  }

  async reassign(workspaceId: string, fromProfileId: string, intoProfileId: string): Promise<void> {
    await this.sql.execute('UPDATE events SET profile_id = $3 WHERE workspace_id = $1 AND profile_id = $2', [
      workspaceId,
      fromProfileId,
      intoProfileId,
    ]);
  }

  async count(workspaceId: string): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM events WHERE workspace_id = $1', [
      workspaceId,
    ]);
    return Number(rows[0]?.n ?? 0);
  }
}

/** An event's column values in the order both INSERT statements list them (12 columns). */
function rowOf(e: NewEvent): unknown[] {
  return [
    e.workspaceId,
    e.messageId,
    e.profileId,
    e.type,
    e.name,
    e.userId,
    e.anonymousId,
    e.timestamp,
    e.receivedAt,
    toJson(e.properties),
    toJson(e.traits),
    toJson(e.context),
  ];
}

/** One prepared INSERT per row: with a cached statement this is faster on SQLite than a multi-row text. */
async function appendSqlite(tx: SqlExecutor, events: readonly NewEvent[]): Promise<AppendResult> {
  const inserted: StoredEvent[] = [];
  const duplicates: string[] = [];
  for (const e of events) {
    const rows = await tx.query<{ seq: number }>(SQLITE_INSERT, rowOf(e));
    const row = rows[0];
    if (row) inserted.push({ ...e, seq: Number(row.seq) });
    else duplicates.push(e.messageId);
  }
  return { inserted, duplicates };
}

async function appendPostgres(tx: SqlExecutor, events: readonly NewEvent[]): Promise<AppendResult> {
  await tx.dialect.serialise(tx, APPEND_LOCK_CLASS);
  const columns: unknown[][] = Array.from({ length: 12 }, () => new Array<unknown>(events.length));
  events.forEach((e, i) => {
    const values = rowOf(e);
    values.forEach((v, c) => {
      columns[c]![i] = v;
    });
  });
  const rows = await tx.query<{ seq: number; workspace_id: string; message_id: string }>(POSTGRES_INSERT, columns);
  // Map back by (workspace, messageId): within one batch the first occurrence is the one stored.
  const key = (workspaceId: string, messageId: string): string => `${workspaceId}\u0000${messageId}`;
  const seqs = new Map<string, number>();
  for (const r of rows) seqs.set(key(r.workspace_id, r.message_id), Number(r.seq));
  const inserted: StoredEvent[] = [];
  const duplicates: string[] = [];
  for (const e of events) {
    const k = key(e.workspaceId, e.messageId);
    const seq = seqs.get(k);
    if (seq === undefined) {
      duplicates.push(e.messageId);
    } else {
      seqs.delete(k);
      inserted.push({ ...e, seq });
    }
  }
  return { inserted, duplicates };
}

/**
 * How each backend appends a batch, measured: one cached prepared INSERT per row on SQLite (faster there than a
 * multi-row text), one array-unnesting INSERT per batch on PostgreSQL (one round trip).
 */
const APPEND: Readonly<Record<DialectName, (tx: SqlExecutor, events: readonly NewEvent[]) => Promise<AppendResult>>> = {
  sqlite: appendSqlite,
  postgres: appendPostgres,
};
