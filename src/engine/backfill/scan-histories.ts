import type { EventType, JsonObject, StoredEvent } from '../../core/index.js';
import { inList, inListParam } from '../../store/index.js';
import type { SqlExecutor } from '../../store/index.js';

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

/** Which events {@link scanHistories} reads: those with one of `names` or one of `types`. */
export interface EventSelection {
  readonly names: readonly string[];
  readonly types: readonly EventType[];
  /** Read the `traits` column (else every event has `{}`). */
  readonly traits: boolean;
  /** Read the `context` column (else every event has `{}`). */
  readonly context: boolean;
}

const parse = (v: unknown): JsonObject => {
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
};

/**
 * A row as an event for evaluation only: `traits` are parsed for `identify` only and `context` only when it
 * mentions consent, since nothing else of them contributes to a history (see `historyItemsOf`).
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

/**
 * The events (up to log position `uptoSeq`, in seq order) of several profiles in one query: how the engine
 * rebuilds the entries of every profile of a batch that is not in its cache.
 */
export async function readHistories(
  sql: SqlExecutor,
  workspaceId: string,
  profileIds: readonly string[],
  uptoSeq: number,
): Promise<Map<string, StoredEvent[]>> {
  const out = new Map<string, StoredEvent[]>(profileIds.map((id) => [id, []]));
  if (profileIds.length === 0) return out;
  const rows = await sql.query<Row>(
    `SELECT seq, message_id, profile_id, type, name, timestamp, properties, traits, context FROM events
     WHERE workspace_id = $1 AND ${inList(sql, 'profile_id', 2)} AND seq <= $3 ORDER BY seq`,
    [workspaceId, inListParam(sql, profileIds), uptoSeq],
  );
  for (const r of rows) out.get(r.profile_id)?.push(toEvent(workspaceId, r));
  return out;
}

/**
 * Streams every profile's events of a workspace, one profile at a time in profile-id order (events in seq order),
 * up to log position `uptoSeq`, reading the store's `events` table in pages by its (workspace, profile, seq)
 * index: one sequential pass for a backfill instead of one query per profile. Only the columns evaluation needs
 * are read (identity columns are left out).
 *
 * With `only`, just the events it selects are read (a profile with none of them is not yielded), and `traits` /
 * `context` are read only when asked for (otherwise `{}`).
 *
 * This reads the event table of migration 0001 directly: the store's `EventRepo` has no streaming scan yet.
 */
export async function* scanHistories(
  sql: SqlExecutor,
  workspaceId: string,
  uptoSeq: number,
  pageSize = 5000,
  only?: EventSelection,
): AsyncGenerator<{ profileId: string; events: StoredEvent[] }> {
  const columns = `seq, message_id, profile_id, type, name, timestamp, properties, ${only?.traits === false ? `'{}' AS traits` : 'traits'}, ${
    only?.context === false ? `'{}' AS context` : 'context'
  }`;
  const selected = only === undefined ? '' : `AND (${inList(sql, 'name', 6)} OR ${inList(sql, 'type', 7)})`;
  const selection = only === undefined ? [] : [inListParam(sql, only.names), inListParam(sql, only.types)];
  let afterProfile = '';
  let afterSeq = -1;
  let current: { profileId: string; events: StoredEvent[] } | undefined;
  for (;;) {
    // Keyset paging by the row value (profile_id, seq): SQLite and PostgreSQL both seek the (workspace_id,
    // profile_id, seq) index to where the last page ended. The spelled-out `profile_id > $3 OR (profile_id = $3
    // AND seq > $4)` is not used as an index range by either (the OR leaves only `workspace_id = $1`), so every
    // page rescanned the workspace from its first profile: quadratic in the number of pages.
    const rows = await sql.query<Row>(
      `SELECT ${columns} FROM events
       WHERE workspace_id = $1 AND (profile_id, seq) > ($3, $4) AND seq <= $2 ${selected}
       ORDER BY profile_id, seq LIMIT $5`,
      [workspaceId, uptoSeq, afterProfile, afterSeq, pageSize, ...selection],
    );
    for (const r of rows) {
      const event = toEvent(workspaceId, r);
      if (current !== undefined && current.profileId !== event.profileId) {
        yield current;
        current = undefined;
      }
      current ??= { profileId: event.profileId, events: [] };
      current.events.push(event);
      afterProfile = event.profileId;
      afterSeq = event.seq;
    }
    if (rows.length < pageSize) break;
  }
  if (current !== undefined) yield current;
}
