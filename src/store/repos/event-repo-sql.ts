import type { EventType, NewEvent, StoredEvent } from '../../core/index.js';
import type { AppendResult, EventRepo, HistoryScan, PartitionLag, ProfileEventsQuery, ProfileHistory } from '../event-repo.js';
import { profileHash } from '../partition-of.js';
import { readHistories, scanHistories } from './history-reads-sql.js';
import { stripNul } from '../internal/strip-nul.js';
import type { DialectName } from '../sql-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';
import { inList, inListParam } from './in-list.js';
import { fromJsonObject, toJson } from './json-column.js';
import type { LogTail } from './log-tail.js';

const COLUMNS =
  'seq, workspace_id, message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at, properties, traits, context';

const INSERT_COLUMNS =
  'workspace_id, message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at, properties, traits, context';

const SQLITE_INSERT = `INSERT INTO events (${INSERT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING seq`;

/** The same INSERT for {@link SqlExecutor.insertEach}: on SQLite `seq` is the rowid (INTEGER PRIMARY KEY). */
const SQLITE_INSERT_ROWID = `INSERT INTO events (${INSERT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (workspace_id, message_id) DO NOTHING`;

// One statement for any batch size, so the partitions stay locked for this statement and the COMMIT only: the
// columns travel as arrays ($13 the profile hashes) and are unnested in input order; `locked` takes the rows of the
// partitions the batch touches, in partition order (two batches touching overlapping sets cannot deadlock; under
// READ COMMITTED a row another append just moved is re-read at its newest head), the events are numbered in each
// partition's own gap-free sequence after that head, and the heads move to the highest number taken (a duplicate
// leaves its number unused: a hole, never a reordering). The UPDATE of `event_partitions` makes the statement take
// ROW EXCLUSIVE on it before any seq is drawn: what the global-order barrier (StableHead) waits for.
const POSTGRES_APPEND = `WITH c AS (SELECT COUNT(*)::integer AS n FROM event_partitions),
x AS MATERIALIZED (
  SELECT x.*, (x.h % c.n)::integer AS pa
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::bigint[])
       WITH ORDINALITY AS x(w, m, p, t, n, u, a, ts, r, pr, tr, cx, h, ord), c
), locked AS MATERIALIZED (
  SELECT e.part, e.head FROM event_partitions e WHERE e.part IN (SELECT DISTINCT pa FROM x) ORDER BY e.part FOR UPDATE
), numbered AS (
  SELECT x.*, l.head + row_number() OVER (PARTITION BY x.pa ORDER BY x.ord) AS ps FROM x JOIN locked l ON l.part = x.pa
), ins AS (
  INSERT INTO events (${INSERT_COLUMNS}, part, part_seq)
  SELECT w, m, p, t, n, u, a, ts, r, pr::jsonb, tr::jsonb, cx::jsonb, pa, ps FROM numbered ORDER BY ord
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING seq, workspace_id, message_id, part, part_seq
), heads AS (
  UPDATE event_partitions e SET head = y.top
  FROM (SELECT part, MAX(part_seq) AS top FROM ins GROUP BY part) y
  WHERE e.part = y.part
)
SELECT seq, workspace_id, message_id FROM ins`;

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
 * The log is partitioned by profile (`partitionOf(profileId, partitions)`, see migration 0110): each partition
 * is one engine's unit of work, and appends to different partitions do not wait for each other.
 *
 * Gap-free per partition on PostgreSQL: a `bigserial` hands out numbers at insert time, not at commit, so two
 * concurrent appenders could commit seq 6 before seq 5, and a consumer that read 6 and stored it as its cursor
 * would skip 5 forever. `append` therefore first locks the `event_partitions` rows of the partitions its batch
 * touches (`FOR UPDATE`, in partition order, so overlapping batches cannot deadlock) and only then takes seqs:
 * appending transactions of one partition hold its row until they commit, so within a partition they commit in
 * seq order, and {@link EventRepoSql.readPartition} (what a partition's engine follows) never sees a seq while a
 * smaller seq of that partition may still commit. The row's `head` numbers the partition's own sequence
 * (`part_seq`, for lag and for a sharded log where a global seq does not exist). The price is that appends to
 * ONE partition are serialised, so keep appending transactions short; a batch spanning every partition (an
 * import of many users) still serialises with every other batch, which is why ingestion groups stay small.
 *
 * The global order ({@link EventRepoSql.readLog}, followed by workflows, experiments, the monitor and the live
 * scorer) is recovered by a barrier instead of a global append lock: the reader takes `event_partitions` in SHARE
 * mode for one `MAX(seq)` ({@link StableHead}), which waits for every appending transaction that has taken seqs
 * (their `UPDATE` of the heads holds ROW EXCLUSIVE until commit) and makes new ones wait for that lookup; every
 * seq up to the head it found is then committed or rolled back for good, and rows below it are read without a
 * lock. Readers of the global log thus pay a short wait and delay appends by one index lookup; appenders never
 * wait for each other across partitions. On SQLite the single writer gives both orders for free and there is
 * one partition.
 *
 * Filtering reads by `tx_id < pg_snapshot_xmin(pg_current_snapshot())` instead would not be enough: a
 * transaction with a smaller xid can take its seq after a larger-xid one did, so a row with an old xid can
 * still sit above an uncommitted smaller seq; and any long transaction anywhere in the cluster would hold
 * the xmin, and so the whole log, back.
 */
export class EventRepoSql implements EventRepo {
  private readonly stable = new StableHead();

  /**
   * @param tail the store's in-memory tail of the log (SQLite; see {@link LogTail}): `readLog` outside a
   * transaction goes through it, so the log's followers share one read of each new event.
   */
  constructor(
    private readonly sql: SqlExecutor,
    private readonly tail?: LogTail,
  ) {}

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

  historiesOf(
    workspaceId: string,
    profileIds: readonly string[],
    uptoSeq: number,
    partition?: number,
  ): Promise<Map<string, StoredEvent[]>> {
    return readHistories(this.sql, workspaceId, profileIds, uptoSeq, partition);
  }

  scanHistories(workspaceId: string, scan: HistoryScan): AsyncIterable<ProfileHistory> {
    return scanHistories(this.sql, workspaceId, scan);
  }

  async readLog(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    if (this.tail !== undefined && this.sql.inTransaction?.() === false) return this.tail.read(afterSeq, limit);
    return this.readLogRows(afterSeq, limit);
  }

  /** `readLog` from the table (what the {@link LogTail} reads what it lacks with). */
  async readLogRows(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    if (this.sql.dialect.name === 'sqlite') {
      const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
      return rows.map(toEvent);
    }
    // Below a head found final by an earlier barrier, read without one; a short page may mean the log went on
    // beyond that head, so then take a barrier (one started after this call, so nothing committed before the
    // call is missed) and read on up to the new head.
    const known = this.stable.value;
    const first = known > afterSeq ? await this.readFinal(afterSeq, limit, known) : [];
    if (first.length === limit) return first;
    const from = Math.max(afterSeq, known);
    const head = await this.stable.refresh(this.sql);
    if (head <= from) return first;
    return [...first, ...(await this.readFinal(from, limit - first.length, head))];
  }

  /** The log's rewrite generation (migration 0004, SQLite): moves whenever a stored event changes or goes. */
  async rewriteGeneration(): Promise<number> {
    const rows = await this.sql.query<{ value: unknown }>('SELECT value FROM event_log_generation WHERE id = 1');
    return Number(rows[0]?.value ?? 0);
  }

  async headSeq(): Promise<number> {
    if (this.sql.dialect.name === 'sqlite') {
      const rows = await this.sql.query<{ head: unknown }>('SELECT COALESCE(MAX(seq), 0) AS head FROM events');
      return Number(rows[0]?.head ?? 0);
    }
    return this.stable.refresh(this.sql);
  }

  /** Events with `afterSeq < seq <= upto`, where every seq up to `upto` is known final (committed or gone). */
  private async readFinal(afterSeq: number, limit: number, upto: number): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2`, [
      afterSeq,
      limit,
      upto,
    ]);
    return rows.map(toEvent);
  }

  async partitions(): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM event_partitions');
    return Number(rows[0]?.n ?? 1);
  }

  async readPartition(partition: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE part = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
      partition,
      afterSeq,
      limit,
    ]);
    return rows.map(toEvent);
  }

  async partitionLag(partition: number, afterSeq: number): Promise<PartitionLag> {
    const rows = await this.sql.query<{ n: unknown; oldest: unknown }>(
      'SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM events WHERE part = $1 AND seq > $2',
      [partition, afterSeq],
    );
    const row = rows[0];
    return { events: Number(row?.n ?? 0), oldestReceivedAt: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
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

/**
 * One prepared INSERT per row: with a cached statement this is faster on SQLite than a multi-row text. All rows
 * go in one `insertEach` call (the seq is the rowid), not one awaited query each: a promise per row was a
 * tenth of the writer thread's JavaScript time.
 */
async function appendSqlite(tx: SqlExecutor, events: readonly NewEvent[]): Promise<AppendResult> {
  const inserted: StoredEvent[] = [];
  const duplicates: string[] = [];
  if (tx.insertEach) {
    const seqs = await tx.insertEach(SQLITE_INSERT_ROWID, events.map(rowOf));
    events.forEach((e, i) => {
      const seq = seqs[i];
      if (seq === null || seq === undefined) duplicates.push(e.messageId);
      else inserted.push({ ...e, seq });
    });
    return { inserted, duplicates };
  }
  for (const e of events) {
    const rows = await tx.query<{ seq: number }>(SQLITE_INSERT, rowOf(e));
    const row = rows[0];
    if (row) inserted.push({ ...e, seq: Number(row.seq) });
    else duplicates.push(e.messageId);
  }
  return { inserted, duplicates };
}

async function appendPostgres(tx: SqlExecutor, events: readonly NewEvent[]): Promise<AppendResult> {
  const columns: unknown[][] = Array.from({ length: 13 }, () => new Array<unknown>(events.length));
  events.forEach((e, i) => {
    rowOf(e).forEach((v, c) => {
      columns[c]![i] = v;
    });
    columns[12]![i] = profileHash(e.profileId);
  });
  const rows = await tx.query<{ seq: number; workspace_id: string; message_id: string }>(POSTGRES_APPEND, columns);
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

/**
 * The highest seq of the global log known to be final on PostgreSQL, found by the barrier the class comment
 * describes and shared by every global reader of one store ({@link EventRepoSql.readLog}, `headSeq`).
 *
 * The barrier is SHARE mode on `event_partitions` for one `MAX(seq)`: granted only when no appending transaction
 * holds ROW EXCLUSIVE there, i.e. when every seq handed out so far is committed or rolled back; a seq handed out
 * later is larger than the sequence's value, hence than the maximum read. So every seq up to that maximum is
 * final for good, and the rows below it can be read later without any lock. Before, each read of up to 500 rows
 * (all columns, JSON) ran under the lock, and each of the four global readers (workflows, experiments, the data
 * catalogue, the live scorer) took it after every ingestion commit: appends of every process queued behind
 * those reads (docs/scaling.md, "why two were slower"). Now appends wait for one index lookup per barrier, and
 * a reader catching up reads below the known head without any.
 */
class StableHead {
  /** Every seq up to this one is final (0: nothing known yet). */
  value = 0;

  /** Takes the barrier now and returns the head it found (the caller's own commits included). */
  async refresh(sql: SqlExecutor): Promise<number> {
    const rows = await sql.transaction(async (tx) => {
      await tx.execute('LOCK TABLE event_partitions IN SHARE MODE');
      return tx.query<{ head: unknown; clean: boolean }>(
        'SELECT COALESCE(MAX(seq), 0) AS head, pg_current_xact_id_if_assigned() IS NULL AS clean FROM events',
      );
    });
    const head = Number(rows[0]?.head ?? 0);
    // Run inside a transaction that wrote (the executor joins an ambient one), the maximum may be one of that
    // transaction's own uncommitted seqs: right for that caller, not final for anybody else.
    if (rows[0]?.clean === true) this.value = Math.max(this.value, head);
    return head;
  }
}

