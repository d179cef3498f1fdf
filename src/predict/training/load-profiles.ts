import type { EventType, JsonObject, StoredEvent } from '../../core/index.js';
import type { SqlExecutor } from '../../store/index.js';
import type { FeatureEvents } from '../features/feature-set.js';
import { ProfileFeatures } from '../features/profile-features.js';

interface Row extends Record<string, unknown> {
  seq: unknown;
  message_id: string;
  profile_id: string;
  type: EventType;
  name: string | null;
  timestamp: unknown;
  received_at: unknown;
  properties: unknown;
  traits: unknown;
}

const parse = (v: unknown): JsonObject => {
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
};

/**
 * Every profile's feature state in a workspace, folded from the whole event log in one pass (keyset pages over
 * the (workspace, profile, seq) index). Events are read whole: the features decide as of which instant they
 * look, so a training run at a cut-off sees the same state a live scorer would have had then (see
 * `ProfileFeatures`). Merged-away profiles have no events left (a merge re-points them), so they drop out.
 *
 * This pages the `events` table of migration 0001 directly, as the engine's backfill scan does today; it moves
 * onto the store's paged history stream once `EventRepo` offers one.
 */
export async function loadProfileFeatures(sql: SqlExecutor, workspaceId: string, events: FeatureEvents, pageSize = 5000): Promise<Map<string, ProfileFeatures>> {
  const out = new Map<string, ProfileFeatures>();
  let afterProfile = '';
  let afterSeq = -1;
  for (;;) {
    const rows = await sql.query<Row>(
      `SELECT seq, message_id, profile_id, type, name, timestamp, received_at, properties, traits FROM events
       WHERE workspace_id = $1 AND (profile_id, seq) > ($2, $3) ORDER BY profile_id, seq LIMIT $4`,
      [workspaceId, afterProfile, afterSeq, pageSize],
    );
    for (const r of rows) {
      const event: StoredEvent = {
        seq: Number(r.seq),
        workspaceId,
        messageId: r.message_id,
        profileId: r.profile_id,
        type: r.type,
        name: r.name,
        userId: null,
        anonymousId: null,
        timestamp: Number(r.timestamp),
        receivedAt: Number(r.received_at),
        properties: parse(r.properties),
        traits: r.type === 'identify' ? parse(r.traits) : {},
        context: {},
      };
      let features = out.get(event.profileId);
      if (features === undefined) {
        features = new ProfileFeatures(events);
        out.set(event.profileId, features);
      }
      features.add(event);
      afterProfile = event.profileId;
      afterSeq = event.seq;
    }
    if (rows.length < pageSize) break;
  }
  return out;
}
