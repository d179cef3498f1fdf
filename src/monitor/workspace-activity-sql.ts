import type { StoredEvent } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';

/** The follower of the event log that keeps `workspace_activity` (the data catalogue's, see data-catalog.ts). */
export const ACTIVITY_CURSOR = 'data_catalog';

/**
 * When each workspace last received an event (`workspace_activity`, migration 0721), for the `no_events` alert.
 *
 * Walking the event log backwards until the workspace's newest event (`ORDER BY seq DESC LIMIT 1` filtered by
 * workspace) costs nothing for a busy workspace but reads the whole log for the one the alert is about: a quiet
 * workspace beside busy ones. Instead the monitor's follower of the log, which reads every event anyway for the
 * data catalogue, notes the newest receipt per workspace in the transaction that moves its cursor (one upsert per
 * workspace per batch, off the ingestion path). The follower lags by up to one batch, so {@link lastReceivedAt}
 * adds the events past its cursor: a backward range scan bounded by that lag, not by the log.
 */
export class WorkspaceActivitySql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Notes a batch of events read by the follower (inside its transaction `tx`). */
  static async note(tx: SqlExecutor, page: readonly StoredEvent[]): Promise<void> {
    const latest = new Map<string, number>();
    for (const e of page) latest.set(e.workspaceId, Math.max(latest.get(e.workspaceId) ?? Number.NEGATIVE_INFINITY, e.receivedAt));
    for (const [workspaceId, at] of latest) {
      await tx.execute(
        `INSERT INTO workspace_activity (workspace_id, last_received_at) VALUES ($1, $2)
         ON CONFLICT (workspace_id) DO UPDATE SET last_received_at = CASE WHEN excluded.last_received_at > workspace_activity.last_received_at
           THEN excluded.last_received_at ELSE workspace_activity.last_received_at END`,
        [workspaceId, at],
      );
    }
  }

  /** When the workspace last received an event (undefined: never, as far as the log and the notes say). */
  async lastReceivedAt(workspaceId: string): Promise<number | undefined> {
    const noted = await this.sql.query<{ at: unknown }>('SELECT last_received_at AS at FROM workspace_activity WHERE workspace_id = $1', [workspaceId]);
    const cursor = await this.sql.query<{ seq: unknown }>('SELECT seq FROM monitor_cursors WHERE name = $1', [ACTIVITY_CURSOR]);
    const unread = await this.sql.query<{ at: unknown }>(unreadSql(this.sql), [workspaceId, Number(cursor[0]?.seq ?? 0)]);
    const times = [...noted, ...unread].map((r) => Number(r.at));
    return times.length === 0 ? undefined : Math.max(...times);
  }
}

/**
 * The workspace's newest event among those past the follower's cursor (`$2`), walking the primary key down from the
 * head to the cursor: exported for the plan test. SQLite would otherwise pick the (workspace, message id) index for
 * `workspace_id = $1` and sort all of the workspace's events — for a busy workspace, its whole history; the unary
 * `+` is SQLite's documented way to keep a term from choosing an index. PostgreSQL picks the key range by itself.
 */
export function unreadSql(sql: SqlExecutor): string {
  const ws = sql.dialect.name === 'sqlite' ? '+workspace_id' : 'workspace_id';
  return `SELECT received_at AS at FROM events WHERE ${ws} = $1 AND seq > $2 ORDER BY seq DESC LIMIT 1`;
}
