import { expect, it } from 'vitest';
import type { Store } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { PERSONAL_DATA_TABLES, purgeStatement } from './personal-data-tables.js';
import { membershipHistorySql } from './profile-export.js';

const WS = 'ws_default';
const PROFILES = 2_000;
const CHANGES_PER_PROFILE = 5;

/** 10,000 changes of 2,000 profiles (5 each, interleaved as the engine writes them), then fresh statistics. */
async function fillChangeLog(store: Store): Promise<void> {
  const rows = PROFILES * CHANGES_PER_PROFILE;
  const select = `SELECT '${WS}', 'seg_' || (n % 7), 1, 'prof_' || (n % ${PROFILES}), CASE WHEN n % 2 = 0 THEN 'entered' ELSE 'exited' END, n, n, '{"kind":"event","eventId":"m"}'`;
  const insert = 'INSERT INTO membership_changes (workspace_id, segment_id, segment_version, profile_id, kind, at, recorded_at, cause) ';
  if (store.sql.dialect.name === 'postgres') {
    await store.sql.execute(`${insert}${select} FROM generate_series(0, ${rows - 1}) AS n`);
  } else {
    await store.sql.execute(`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${rows - 1}) ${insert}${select} FROM s`);
  }
  await store.sql.script('ANALYZE');
}

/** The plan of a statement, one line per node, as the database prints it (nothing is executed). */
async function planOf(store: Store, text: string, params: unknown[]): Promise<string> {
  if (store.sql.dialect.name === 'postgres') {
    const rows = await store.sql.query<Record<string, unknown>>(`EXPLAIN ${text}`, params);
    return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  }
  const rows = await store.sql.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params);
  return rows.map((r) => r.detail).join('\n');
}

describeEachStore('the membership change log by profile', (getStore) => {
  it('export reads a person’s entries and exits through the profile index, not by scanning the log', async () => {
    const store = getStore();
    await fillChangeLog(store);
    const sql = membershipHistorySql(store.sql);
    const plan = await planOf(store, sql, [WS, store.sql.dialect.listParam(['prof_42', 'prof_43'])]);
    expect(plan).toContain('membership_changes_profile');
    expect(plan).not.toMatch(/SCAN c\b|Seq Scan on membership_changes/);
    // And the statement reads what it should: the two profiles' ten changes, in log order.
    const rows = await store.sql.query<{ seq: unknown }>(sql, [WS, store.sql.dialect.listParam(['prof_42', 'prof_43'])]);
    expect(rows).toHaveLength(2 * CHANGES_PER_PROFILE);
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('erasure pseudonymises a person’s changes through the profile index, not by scanning the log', async () => {
    const store = getStore();
    await fillChangeLog(store);
    const table = PERSONAL_DATA_TABLES.find((t) => t.table === 'membership_changes');
    expect(table?.mode).toBe('pseudonymise');
    const { text, params } = purgeStatement(store.sql, table!, WS, ['prof_7'], 'erased:era_1');
    const plan = await planOf(store, text, params);
    expect(plan).toContain('membership_changes_profile');
    expect(plan).not.toMatch(/^SCAN membership_changes\b|Seq Scan on membership_changes/m);
    expect(await store.sql.execute(text, params)).toBe(CHANGES_PER_PROFILE);
    const left = await store.sql.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM membership_changes WHERE profile_id = 'prof_7'");
    expect(Number(left[0]?.n)).toBe(0);
  });
});
