import type { EventType, JsonObject, StoredEvent } from '../../core/index.js';
import type { EventSelection, HistoryScan, ProfileHistory } from '../event-repo.js';
import { partitionOf } from '../partition-of.js';
import type { SqlExecutor } from '../sql-executor.js';

interface Row extends Record<string, unknown> {
  seq: unknown;
  message_id: string;
  profile_id: string;
  type: EventType;
  name: string | null;
  timestamp: unknown;
  properties: unknown;
  traits: unknown;
  context: unknown;
}

const parse = (v: unknown): JsonObject => {
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
};

/**
 * A row in the evaluation form of `EventRepo.historiesOf`: `traits` are parsed for `identify` only and `context`
 * only when it mentions consent, identity columns are null and `receivedAt` 0. Parsing JSON is most of a
 * rebuild's cost, and nothing else of those columns contributes to a rule's history.
 */
function toEvent(workspaceId: string, r: Row): StoredEvent {
  return {
    seq: Number(r.seq),
    workspaceId,
    messageId: r.message_id,
    profileId: r.profile_id,
    type: r.type,
    name: r.name,
    userId: null,
    anonymousId: null,
    timestamp: Number(r.timestamp),
    receivedAt: 0,
    properties: parse(r.properties),
    traits: r.type === 'identify' ? parse(r.traits) : {},
    context: typeof r.context === 'string' && !r.context.includes('consent') ? {} : parse(r.context),
  };
}

/** `EventRepo.historiesOf` on a {@link SqlExecutor}: one query for every profile of the set. */
export async function readHistories(
  sql: SqlExecutor,
  workspaceId: string,
  profileIds: readonly string[],
  uptoSeq: number,
  partition?: number,
): Promise<Map<string, StoredEvent[]>> {
  const out = new Map<string, StoredEvent[]>(profileIds.map((id) => [id, []]));
  if (profileIds.length === 0) return out;
  // With a partition, its own events are bounded by the cursor and the merged-in ones (elsewhere) are not.
  const bound = partition === undefined ? 'seq <= $3' : '(seq <= $3 OR part <> $4)';
  const rows = await sql.query<Row>(
    `SELECT seq, message_id, profile_id, type, name, timestamp, properties, traits, context FROM events
     WHERE workspace_id = $1 AND ${sql.dialect.inList('profile_id', 2)} AND ${bound} ORDER BY seq`,
    partition === undefined ? [workspaceId, sql.dialect.listParam(profileIds), uptoSeq] : [workspaceId, sql.dialect.listParam(profileIds), uptoSeq, partition],
  );
  for (const r of rows) out.get(r.profile_id)?.push(toEvent(workspaceId, r));
  return out;
}

/**
 * `EventRepo.scanHistories` on a {@link SqlExecutor}: reads the `events` table in pages by its (workspace,
 * profile, seq) index, one sequential pass instead of one query per profile.
 */
export async function* scanHistories(sql: SqlExecutor, workspaceId: string, scan: HistoryScan): AsyncGenerator<ProfileHistory> {
  const { uptoSeq, pageSize = 5000, only, partition } = scan;
  // A partition's profiles are chosen by hashing their ids here (the hash is not the database's): a partition's
  // backfill reads every profile's rows and keeps its own, the price of not storing a home partition per profile.
  const owned = partition === undefined ? () => true : (id: string) => partitionOf(id, partition.count) === partition.index;
  const bound = partition === undefined ? 'seq <= $2' : `(seq <= $2 OR part <> ${Math.trunc(partition.index)})`;
  const columns = `seq, message_id, profile_id, type, name, timestamp, properties, ${only?.traits === false ? `'{}' AS traits` : 'traits'}, ${
    only?.context === false ? `'{}' AS context` : 'context'
  }`;
  const selected = only === undefined ? '' : `AND (${sql.dialect.inList('name', 6)} OR ${sql.dialect.inList('type', 7)})`;
  const selection = only === undefined ? [] : selectionParams(sql, only);
  let afterProfile = scan.afterProfile ?? '';
  // Past every seq of `afterProfile` itself: the scan resumes at the next profile.
  let afterSeq = afterProfile === '' ? -1 : Number.MAX_SAFE_INTEGER;
  let current: { profileId: string; events: StoredEvent[] } | undefined;
  for (;;) {
    // Keyset paging by the row value (profile_id, seq): SQLite and PostgreSQL both seek the (workspace_id,
    // profile_id, seq) index to where the last page ended. The spelled-out `profile_id > $3 OR (profile_id = $3
    // AND seq > $4)` is not used as an index range by either (the OR leaves only `workspace_id = $1`), so every
    // page rescanned the workspace from its first profile: quadratic in the number of pages.
    const rows = await sql.query<Row>(
      `SELECT ${columns} FROM events
       WHERE workspace_id = $1 AND (profile_id, seq) > ($3, $4) AND ${bound} ${selected}
       ORDER BY profile_id, seq LIMIT $5`,
      [workspaceId, uptoSeq, afterProfile, afterSeq, pageSize, ...selection],
    );
    for (const r of rows) {
      afterProfile = r.profile_id;
      afterSeq = Number(r.seq);
      if (current !== undefined && current.profileId !== r.profile_id) {
        yield current;
        current = undefined;
      }
      // Before parsing: a partition's scan skips most rows (those of the other partitions' profiles).
      if (!owned(r.profile_id)) continue;
      current ??= { profileId: r.profile_id, events: [] };
      current.events.push(toEvent(workspaceId, r));
    }
    if (rows.length < pageSize) break;
  }
  if (current !== undefined) yield current;
}

function selectionParams(sql: SqlExecutor, only: EventSelection): unknown[] {
  return [sql.dialect.listParam(only.names), sql.dialect.listParam(only.types)];
}
