import type { SqlExecutor } from '../store/index.js';

/** Where a Segment-spec message names its person (the identifiers ingestion resolves a profile from). */
const IDENTIFIER_PATHS: readonly (readonly string[])[] = [
  ['userId'],
  ['anonymousId'],
  ['previousId'],
  ['traits', 'email'],
  ['context', 'traits', 'email'],
  ['properties', 'email'],
];

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function namesAnyone(message: unknown, identifiers: ReadonlySet<string>): boolean {
  return IDENTIFIER_PATHS.some((p) => {
    const v = at(message, p);
    return typeof v === 'string' && identifiers.has(v);
  });
}

/**
 * Removes what the tracking plan holds about the people being erased: the quarantined messages that name one of
 * their identifiers (a blocked message never reached the event log, so it has no profile id: it is matched by
 * the identifiers in the message itself, exactly, never by substring), and the violation samples whose value
 * holds one of them or that came from one of those messages. Called in the erasure's final transaction while
 * the identities still exist; tables of an older schema are skipped. Returns rows affected per table.
 */
export async function purgePlanData(sql: SqlExecutor, workspaceId: string, profileIds: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (profileIds.length === 0 || !(await sql.dialect.tableExists(sql, 'tracking_plan_quarantine'))) return out;
  const rows = await sql.query<{ value: string }>(
    `SELECT value FROM identities WHERE workspace_id = $1 AND ${sql.dialect.inList('profile_id', 2)}`,
    [workspaceId, sql.dialect.listParam(profileIds)],
  );
  const identifiers = new Set(rows.map((r) => r.value));
  if (identifiers.size === 0) return out;

  const removedMessages = new Set<string>();
  const quarantined = await sql.query<{ message_id: string; message: string }>(
    'SELECT message_id, message FROM tracking_plan_quarantine WHERE workspace_id = $1',
    [workspaceId],
  );
  for (const q of quarantined) {
    let message: unknown;
    try {
      message = JSON.parse(q.message);
    } catch {
      continue;
    }
    if (!namesAnyone(message, identifiers)) continue;
    await sql.execute('DELETE FROM tracking_plan_quarantine WHERE workspace_id = $1 AND message_id = $2', [workspaceId, q.message_id]);
    removedMessages.add(q.message_id);
  }
  out.tracking_plan_quarantine = removedMessages.size;

  let samplesRemoved = 0;
  const violations = await sql.query<{ message_type: string; event: string; kind: string; field: string; samples: string }>(
    'SELECT message_type, event, kind, field, samples FROM tracking_plan_violations WHERE workspace_id = $1',
    [workspaceId],
  );
  for (const v of violations) {
    const samples = JSON.parse(v.samples) as { messageId: string; value?: string }[];
    // A sample's value is truncated: it counts as the person's when it holds one of their identifiers.
    const kept = samples.filter(
      (s) => !removedMessages.has(s.messageId) && !(typeof s.value === 'string' && [...identifiers].some((id) => s.value!.includes(id))),
    );
    if (kept.length === samples.length) continue;
    samplesRemoved += samples.length - kept.length;
    await sql.execute(
      'UPDATE tracking_plan_violations SET samples = $6 WHERE workspace_id = $1 AND message_type = $2 AND event = $3 AND kind = $4 AND field = $5',
      [workspaceId, v.message_type, v.event, v.kind, v.field, JSON.stringify(kept)],
    );
  }
  out.tracking_plan_violation_samples = samplesRemoved;
  return out;
}
