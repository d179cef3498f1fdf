import type { SqlExecutor } from '../store/index.js';

/**
 * One table holding personal data, and how to remove one workspace's profiles from it. `where` is a SQL condition
 * over the table with `$1` = the workspace id and `$2` = the erased profile ids (bound by the dialect's list
 * parameter); `mode: 'delete'` deletes the rows, `mode: 'pseudonymise'` keeps them (an append-only log others
 * read by position) but replaces the profile id with the erasure's pseudonym and drops the cause's event id.
 */
export interface PersonalDataTable {
  readonly table: string;
  readonly where: (sql: SqlExecutor) => string;
  readonly mode: 'delete' | 'pseudonymise';
  /** `history`: removed already when the exits are written; the rest once destinations have been told. */
  readonly stage: 'history' | 'final';
}

const byProfile = (column = 'profile_id') => (sql: SqlExecutor): string => `workspace_id = $1 AND ${sql.dialect.inList(column, 2)}`;
const byProfileOf = (owner: string, key: string, ownerKey = 'id') => (sql: SqlExecutor): string =>
  `${sql.dialect.inList('profile_id', 2)} AND ${key} IN (SELECT ${ownerKey} FROM ${owner} WHERE workspace_id = $1)`;
const byRun = (sql: SqlExecutor): string =>
  `run_id IN (SELECT id FROM workflow_runs WHERE workspace_id = $1 AND ${sql.dialect.inList('profile_id', 2)})`;
const byDelivery = (sql: SqlExecutor): string =>
  `delivery_id IN (SELECT id FROM destination_deliveries WHERE workspace_id = $1 AND ${sql.dialect.inList('profile_id', 2)})`;

/**
 * Every table that holds a person's data, in deletion order (children before the rows they hang off). This is
 * THE list an erasure works through: a new table keyed by profile (or holding identifiers or payloads) joins it,
 * and the erasure test checks the database file for the person's identifiers afterwards, so a table missed here
 * fails it. The tracking plan's quarantine and violation samples hold messages not yet tied to a profile: they are
 * matched by identifier instead (`purgePlanData`). Tables not listed hold no personal data: segments, size history (counts), the data catalogue (names
 * and types), ESP replay tokens (providers' webhook tokens), keys and sessions.
 */
export const PERSONAL_DATA_TABLES: readonly PersonalDataTable[] = [
  { table: 'events', where: byProfile(), mode: 'delete', stage: 'history' },
  { table: 'profile_scores', where: byProfile(), mode: 'delete', stage: 'history' },
  { table: 'experiment_exposures', where: byProfileOf('experiments', 'experiment_id'), mode: 'delete', stage: 'history' },
  { table: 'experiment_conversions', where: byProfileOf('experiments', 'experiment_id'), mode: 'delete', stage: 'history' },
  { table: 'experiment_rule_results', where: byProfileOf('experiments', 'experiment_id'), mode: 'delete', stage: 'history' },
  { table: 'engine_timers', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'segment_members', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'workflow_steps', where: byRun, mode: 'delete', stage: 'final' },
  { table: 'workflow_timers', where: byRun, mode: 'delete', stage: 'final' },
  { table: 'workflow_actions', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'workflow_entries', where: byProfileOf('workflows', 'workflow_id'), mode: 'delete', stage: 'final' },
  { table: 'workflow_runs', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'destination_attempts', where: byDelivery, mode: 'delete', stage: 'final' },
  { table: 'destination_deliveries', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'destination_members', where: byProfileOf('destinations', 'destination_id'), mode: 'delete', stage: 'final' },
  { table: 'events', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'identities', where: byProfile(), mode: 'delete', stage: 'final' },
  { table: 'profiles', where: byProfile('id'), mode: 'delete', stage: 'final' },
  { table: 'membership_changes', where: byProfile(), mode: 'pseudonymise', stage: 'final' },
];

/**
 * Removes `profileIds` of `workspaceId` from every table of `stage` ({@link PERSONAL_DATA_TABLES}); returns the
 * rows affected per table. Tables another area has not created (an older schema) are skipped.
 */
export async function purgePersonalData(
  sql: SqlExecutor,
  workspaceId: string,
  profileIds: readonly string[],
  stage: PersonalDataTable['stage'],
  pseudonym: string,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (profileIds.length === 0) return out;
  for (const t of PERSONAL_DATA_TABLES) {
    if (t.stage !== stage) continue;
    const { text, params } = purgeStatement(sql, t, workspaceId, profileIds, pseudonym);
    const n = await sql.execute(text, params);
    out[t.table] = (out[t.table] ?? 0) + n;
  }
  return out;
}

/**
 * The statement that removes (or pseudonymises) `profileIds` of `workspaceId` from one table: exported for the
 * test that checks on both databases that each is an index lookup, not a scan of the table.
 */
export function purgeStatement(
  sql: SqlExecutor,
  t: PersonalDataTable,
  workspaceId: string,
  profileIds: readonly string[],
  pseudonym: string,
): { readonly text: string; readonly params: unknown[] } {
  const list = sql.dialect.listParam(profileIds);
  return t.mode === 'delete'
    ? { text: `DELETE FROM ${t.table} WHERE ${t.where(sql)}`, params: [workspaceId, list] }
    : // A messageId is the client's choice and may carry anything: an event cause loses it.
      {
        text: `UPDATE ${t.table} SET profile_id = $3, cause = CASE WHEN cause LIKE '%"eventId"%' THEN $4 ELSE cause END WHERE ${t.where(sql)}`,
        params: [workspaceId, list, pseudonym, JSON.stringify({ kind: 'event', eventId: 'erased' })],
      };
}
