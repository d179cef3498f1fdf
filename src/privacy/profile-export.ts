import type { Profile, StoredEvent } from '../core/index.js';
import { historyItemsOf } from '../engine/index.js';
import { resolveProfileReference } from '../ingest/index.js';
import { fromJson, type SqlExecutor, type Store } from '../store/index.js';

/** One row of a table, as exported (JSON columns parsed, instants as ISO text). */
export type ExportRow = Readonly<Record<string, unknown>>;

/**
 * Everything segflow holds about one person: the answer to a data-subject access request (GDPR Art. 15). Each
 * current membership carries the explanation of why the person is in it (Art. 15(1)(h): meaningful information
 * about the logic of profiling), as `GET /api/segments/{s}/explain/{ref}` gives it.
 */
export interface ProfileExport {
  readonly exportedAt: string;
  readonly workspaceId: string;
  /** The profile the reference names, and the profiles merged into it (their events are part of the person). */
  readonly profile: ExportRow;
  readonly mergedProfiles: readonly string[];
  readonly identities: readonly ExportRow[];
  readonly traits: Readonly<Record<string, unknown>>;
  /** Email subscription: the current state and every change with the message that made it. */
  readonly subscription: { readonly current: ExportRow; readonly history: readonly ExportRow[] };
  /** Consent category preferences: the current ones and every change with the message that made it. */
  readonly consent: { readonly current: Readonly<Record<string, boolean>>; readonly history: readonly ExportRow[] };
  readonly events: readonly ExportRow[];
  readonly memberships: { readonly current: readonly ExportRow[]; readonly history: readonly ExportRow[] };
  readonly deliveries: readonly ExportRow[];
  readonly workflowRuns: readonly ExportRow[];
  readonly experiments: readonly ExportRow[];
  readonly scores: readonly ExportRow[];
}

/** Explains one membership (the segment service's explain); undefined when it cannot. */
export type ExplainMembership = (workspaceId: string, segmentId: string, profileId: string) => Promise<unknown>;

/**
 * The person's entries and exits (`$1` workspace, `$2` the dialect's list of profile ids), oldest first. A lookup
 * by the change log's profile index (migration 0801), not a scan of the log; exported for the test that checks
 * the plan on both databases.
 */
export function membershipHistorySql(sql: SqlExecutor): string {
  return `SELECT c.seq, c.segment_id, s.name, c.segment_version, c.kind, c.at, c.recorded_at, c.cause FROM membership_changes c
         LEFT JOIN segments s ON s.id = c.segment_id WHERE c.workspace_id = $1 AND ${sql.dialect.inList('c.profile_id', 2)} ORDER BY c.seq`;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

/**
 * Builds the {@link ProfileExport} of the person `ref` names (the shared resolver), or undefined when nobody is
 * known by it. It reads the tables an erasure removes (`PERSONAL_DATA_TABLES`) that describe the person; what is
 * only machinery (engine and workflow timers, delivery attempts) is left out.
 */
export async function exportProfile(
  store: Store,
  workspaceId: string,
  ref: string,
  options: { readonly now: number; readonly explain?: ExplainMembership },
): Promise<ProfileExport | undefined> {
  const id = await resolveProfileReference(store.profiles, workspaceId, ref);
  const profile = id === undefined ? undefined : await store.profiles.get(workspaceId, id);
  if (profile === undefined) return undefined;
  const ids = [profile.id];
  for (let i = 0; i < ids.length; i++) for (const m of await store.profiles.mergedInto(workspaceId, ids[i] as string)) if (!ids.includes(m)) ids.push(m);
  const events: StoredEvent[] = [];
  for (const pid of ids) events.push(...(await store.events.historyOf(workspaceId, pid)));
  events.sort((a, b) => a.seq - b.seq);
  const subscriptionHistory: ExportRow[] = [];
  const consentHistory: ExportRow[] = [];
  for (const e of events) {
    const items = historyItemsOf(e);
    if (items.subscription) subscriptionHistory.push({ at: iso(items.subscription.time), status: items.subscription.status, messageId: e.messageId, seq: e.seq });
    if (items.consent) consentHistory.push({ at: iso(items.consent.time), categories: items.consent.categories, messageId: e.messageId, seq: e.seq });
  }
  const sql = store.sql;
  const list = sql.dialect.listParam(ids);
  const current = await sql.query(
    `SELECT m.segment_id, s.name, m.since FROM segment_members m LEFT JOIN segments s ON s.id = m.segment_id
     WHERE m.workspace_id = $1 AND ${sql.dialect.inList('m.profile_id', 2)} ORDER BY m.since`,
    [workspaceId, list],
  );
  const memberships: ExportRow[] = [];
  for (const r of current) {
    const segmentId = String(r['segment_id']);
    memberships.push({
      segmentId,
      name: r['name'] ?? null,
      since: iso(r['since']),
      explanation: options.explain ? ((await options.explain(workspaceId, segmentId, profile.id)) ?? null) : null,
    });
  }
  return {
    exportedAt: new Date(options.now).toISOString(),
    workspaceId,
    profile: profileRow(profile),
    mergedProfiles: ids.slice(1),
    identities: profile.identities.map((i) => ({ kind: i.kind, value: i.value, firstSeenAt: iso(i.firstSeenAt) })),
    traits: profile.traits,
    subscription: {
      current: { state: profile.subscription.state, changedAt: iso(profile.subscription.changedAt), reason: profile.subscription.reason },
      history: subscriptionHistory,
    },
    consent: { current: profile.subscription.consent, history: consentHistory },
    events: events.map((e) => ({
      seq: e.seq,
      messageId: e.messageId,
      type: e.type,
      name: e.name,
      userId: e.userId,
      anonymousId: e.anonymousId,
      timestamp: iso(e.timestamp),
      receivedAt: iso(e.receivedAt),
      properties: e.properties,
      traits: e.traits,
      context: e.context,
    })),
    memberships: {
      current: memberships,
      history: await rows(
        sql,
        membershipHistorySql(sql),
        [workspaceId, list],
      ),
    },
    deliveries: await rows(
      sql,
      `SELECT d.id, d.destination_id, x.name AS destination, d.segment_id, d.kind, d.status, d.total_attempts, d.created_at, d.delivered_at,
         d.last_status, d.last_error, d.payload FROM destination_deliveries d LEFT JOIN destinations x ON x.id = d.destination_id
       WHERE d.workspace_id = $1 AND ${sql.dialect.inList('d.profile_id', 2)} ORDER BY d.created_at, d.id`,
      [workspaceId, list],
    ),
    workflowRuns: await rows(
      sql,
      `SELECT r.id, r.workflow_id, w.name AS workflow, r.version, r.status, r.step_id, r.exit_cause, r.entered_at, r.updated_at, r.ended_at
       FROM workflow_runs r LEFT JOIN workflows w ON w.id = r.workflow_id
       WHERE r.workspace_id = $1 AND ${sql.dialect.inList('r.profile_id', 2)} ORDER BY r.entered_at, r.id`,
      [workspaceId, list],
    ),
    experiments: await rows(
      sql,
      `SELECT e.experiment_id, x.name AS experiment, e.arm, e.exposed_at FROM experiment_exposures e JOIN experiments x ON x.id = e.experiment_id
       WHERE x.workspace_id = $1 AND ${sql.dialect.inList('e.profile_id', 2)} ORDER BY e.exposed_at`,
      [workspaceId, list],
    ),
    scores: await rows(
      sql,
      `SELECT model, value, model_version, scored_at FROM profile_scores WHERE workspace_id = $1 AND ${sql.dialect.inList('profile_id', 2)} ORDER BY model`,
      [workspaceId, list],
    ),
  };
}

function profileRow(p: Profile): ExportRow {
  return { id: p.id, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt), firstSeenAt: iso(p.firstSeenAt), lastSeenAt: iso(p.lastSeenAt) };
}

const INSTANT = /(_at|^at|^since)$/;
const JSON_COLUMNS = new Set(['payload', 'cause']);

/** Rows with camel-cased keys, instants as ISO text and JSON columns parsed. */
async function rows(sql: SqlExecutor, text: string, params: unknown[]): Promise<ExportRow[]> {
  return (await sql.query(text, params)).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      const key = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      out[key] = INSTANT.test(k) ? iso(v) : JSON_COLUMNS.has(k) && typeof v === 'string' ? fromJson(v) : typeof v === 'bigint' ? Number(v) : v;
    }
    return out;
  });
}
