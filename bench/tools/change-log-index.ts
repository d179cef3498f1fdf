/**
 * @module
 * `npx tsx bench/tools/change-log-index.ts` (env `ROUNDS`, default 40; `LOG`, default 1,000,000): what the change
 * log's profile index (migration 0801) costs and saves, in one run on SQLite, so the ratio holds on a loaded
 * machine. Membership writes (`MembershipRepoSql.record`, batches of 500 over 200k profiles) on two files, one
 * with the index and one without, rounds alternated; then one erasure's pseudonymisation of a person in a log of
 * `LOG` rows on each. CPU time from `process.cpuUsage` (user + system). docs/privacy.md quotes its output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MembershipRepoSql, type MembershipWrite } from '../../src/membership/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { PERSONAL_DATA_TABLES, purgeStatement } from '../../src/privacy/index.js';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'membench-'));
  const withIdx = await openSqliteStore({ file: join(dir, 'with.db') });
  const without = await openSqliteStore({ file: join(dir, 'without.db') });
  await without.sql.script('DROP INDEX membership_changes_profile');
  const ROUNDS = Number(process.env.ROUNDS ?? 40);
  const BATCH = 500;
  const PROFILES = 200_000;
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  function batch(round: number): MembershipWrite[] {
    return Array.from({ length: BATCH }, (_, i) => ({
      workspaceId: 'ws_default', segmentId: `seg_${i % 20}`, segmentVersion: 1,
      profileId: `prof_${Math.floor(rnd() * PROFILES)}`, kind: (round + i) % 2 ? 'entered' : 'exited',
      at: round * 1000 + i, cause: { kind: 'event', eventId: `m${round}-${i}` },
    }) as MembershipWrite);
  }
  const cpu = { with: 0, without: 0 };
  const wall = { with: 0, without: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const writes = batch(r);
    const pairs: [keyof typeof cpu, Store][] = [
      ['with', withIdx],
      ['without', without],
    ];
    if (r % 2 === 0) pairs.reverse();
    for (const [name, store] of pairs) {
      const repo = new MembershipRepoSql(store.sql);
      const c0 = process.cpuUsage(); const t0 = performance.now();
      await repo.record(writes, r);
      const c = process.cpuUsage(c0);
      cpu[name] += c.user + c.system; wall[name] += performance.now() - t0;
    }
  }
  const n = ROUNDS * BATCH;
  console.log(`membership writes: ${n} changes each; CPU µs/change with index ${(cpu.with / n).toFixed(2)}, without ${(cpu.without / n).toFixed(2)}, ratio ${(cpu.with / cpu.without).toFixed(3)}; wall ms ${wall.with.toFixed(0)} vs ${wall.without.toFixed(0)}`);

  // A 1M-row log, then one pseudonymisation (a person with 5 changes) on each file.
  const LOG = Number(process.env.LOG ?? 1_000_000);
  for (const store of [withIdx, without]) {
    await store.sql.execute(`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${LOG - 1})
      INSERT INTO membership_changes (workspace_id, segment_id, segment_version, profile_id, kind, at, recorded_at, cause)
      SELECT 'ws_default', 'seg_' || (n % 20), 1, 'prof_' || (n % ${LOG / 5}), 'entered', n, n, '{"kind":"event","eventId":"m"}' FROM s`);
    await store.sql.script('ANALYZE');
  }
  const table = PERSONAL_DATA_TABLES.find((t) => t.table === 'membership_changes')!;
  for (const [name, store] of [['with', withIdx], ['without', without]] as const) {
    let total = 0;
    for (let k = 0; k < 5; k++) {
      const { text, params } = purgeStatement(store.sql, table, 'ws_default', [`prof_${1000 + k}`], `erased:era_${k}`);
      const c0 = process.cpuUsage();
      const changed = await store.sql.execute(text, params);
      const c = process.cpuUsage(c0);
      total += c.user + c.system;
      if (changed < 5) throw new Error(`expected ≥5 rows, got ${changed}`);
    }
    console.log(`pseudonymise one person in a ${LOG + n}-row log, ${name} index: ${(total / 5 / 1000).toFixed(2)} ms CPU per erasure`);
  }
  await withIdx.close(); await without.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
