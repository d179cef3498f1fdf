import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import type { NewEvent } from '../../core/index.js';
import { MembershipRepoSql, SqlChangeLog } from '../../membership/index.js';
import { openPostgresStore, openSqliteStore } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { dropSchema, randomSchemaName } from '../../store/testing/create-test-postgres-store.js';
import { testDatabaseUrl } from '../../store/testing/index.js';
import { ClusterWorker } from '../cluster/cluster-worker.js';
import { EngineSegmentService } from '../engine-segment-service.js';
import { Engine } from '../engine.js';
import { TEST_WORKSPACE } from '../testing/engine-harness.js';
import { BackfillRepoSql } from './backfill-repo-sql.js';
import type { BackfillJob } from './backfill-repo-sql.js';
import { compareProfileIds } from './compare-profile-ids.js';

const here = dirname(fileURLToPath(import.meta.url));
// The child runs in node itself with tsx as a loader, so that SIGKILL reaches the process doing the work.
const tsx = createRequire(import.meta.url).resolve('tsx');
const T0 = Date.UTC(2026, 0, 1);
const PROFILES = 1000;

const id = (i: number): string => `p${String(i).padStart(4, '0')}`;

/** Every profile opened an email; the even ones bought. */
function history(): NewEvent[] {
  const event = (i: number, name: string, n: number): NewEvent => ({
    workspaceId: TEST_WORKSPACE,
    messageId: `m${i}-${n}`,
    profileId: id(i),
    type: 'track',
    name,
    userId: null,
    anonymousId: null,
    timestamp: T0 - 60_000,
    receivedAt: T0 - 60_000,
    properties: {},
    traits: {},
    context: {},
  });
  return Array.from({ length: PROFILES }, (_, i) => [event(i, 'Email Opened', 0), ...(i % 2 === 0 ? [event(i, 'Order Completed', 1)] : [])]).flat();
}

/**
 * Saves the segment from a process whose engine is not running (so the backfill is left to the child), kills the
 * child once it has committed part of the backfill, then checks that an engine started afterwards carries on from
 * the checkpoint (not from the first profile) and that the membership and change log end exact.
 */
async function killMidBackfill(store: Store, childArgs: string[]): Promise<void> {
  await store.events.append(history());
  const saver = new EngineSegmentService(store, new Engine({ store, clock: new FakeClock(T0), lease: false }));
  const created = await saver.create(TEST_WORKSPACE, { name: 'buyers', rule: 'performed("Order Completed")' });
  if (!created.ok) throw new Error('segment refused');
  const segmentId = created.value.id;
  const jobs = new BackfillRepoSql(store.sql);

  const child = spawn(process.execPath, ['--import', tsx, join(here, '../testing/backfill-child.ts'), String(T0), ...childArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    // 500 profiles enter in all, 25 profiles per slice: kill after a few slices have committed.
    if ([...buffer.matchAll(/changes (\d+)/g)].some((m) => Number(m[1]) >= 100)) child.kill('SIGKILL');
  });
  expect(await exited).toBe('SIGKILL');

  const atKill = await jobs.get(segmentId);
  expect(atKill?.state).toBe('running');
  expect(atKill?.afterProfile).not.toBe('');
  const enteredAtKill = (await new SqlChangeLog(store.sql).read(0, 100_000)).length;
  expect(enteredAtKill).toBeGreaterThanOrEqual(100);
  expect(enteredAtKill).toBeLessThan(PROFILES / 2);

  // A new engine resumes: its first slice starts right after the checkpoint.
  const engine = new Engine({ store, clock: new FakeClock(T0), changeLog: new SqlChangeLog(store.sql), tailIntervalMs: 0, lease: false, backfill: { auto: false, profiles: 25 } });
  await engine.start();
  await engine.backfillSlice();
  const resumed = await jobs.get(segmentId);
  const range = [TEST_WORKSPACE, atKill?.afterProfile, resumed?.afterProfile];
  const count = async (sql: string): Promise<number> => Number((await store.sql.query<{ n: unknown }>(sql, range))[0]?.n);
  // The rule reads only "Order Completed", so the slice reads only the buyers: 25 of them, the next after the
  // checkpoint; its progress counts every event of the profiles it passed.
  expect(await count(`SELECT COUNT(DISTINCT profile_id) AS n FROM events WHERE workspace_id = $1 AND profile_id > $2 AND profile_id <= $3 AND name = 'Order Completed'`)).toBe(25);
  const passedEvents = await count('SELECT COUNT(*) AS n FROM events WHERE workspace_id = $1 AND profile_id > $2 AND profile_id <= $3');
  expect(resumed?.done).toBe((atKill?.done ?? 0) + passedEvents);
  expect(resumed?.startedAt).toBe(atKill?.startedAt);
  while (await engine.backfillSlice());
  await engine.stop();

  const changes = await new SqlChangeLog(store.sql).read(0, 100_000);
  const evens = Array.from({ length: PROFILES / 2 }, (_, i) => id(2 * i));
  expect(changes.map((c) => `${c.kind} ${c.profileId} ${c.cause.kind}`).sort()).toEqual(evens.map((p) => `entered ${p} backfill`).sort());
  expect((await new MembershipRepoSql(store.sql).members(segmentId, null, 10_000)).map((m) => m.profileId)).toEqual(evens);
  expect(await jobs.get(segmentId)).toMatchObject({ state: 'done', done: history().length, total: history().length });
}

it('resumes a backfill killed with SIGKILL from its checkpoint on SQLite, ending with the exact membership', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-backfill-kill-'));
  try {
    const file = join(dir, 'store.db');
    const store = await openSqliteStore({ file });
    try {
      await killMidBackfill(store, ['sqlite', file]);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

it('resumes a backfill killed with SIGKILL from its checkpoint on PostgreSQL, ending with the exact membership', async () => {
  const url = testDatabaseUrl();
  const schema = randomSchemaName();
  const store = await openPostgresStore({ url, schema, poolSize: 2 });
  try {
    await killMidBackfill(store, ['postgres', url, schema]);
  } finally {
    await store.close();
    await dropSchema(url, schema);
  }
}, 120_000);

it('resumes a cluster backfill killed with SIGKILL from each partition checkpoint, on the process that takes the partitions over', async () => {
  const url = testDatabaseUrl();
  const schema = randomSchemaName();
  const store = await openPostgresStore({ url, schema, poolSize: 6 });
  let worker: ClusterWorker | undefined;
  try {
    const partitions = await store.events.partitions();
    expect(partitions).toBe(16);
    await store.events.append(history());
    // Saved through a cluster process that is not running: the save starts one checkpoint per partition.
    const saver = new EngineSegmentService(store, new ClusterWorker({ store, clock: new FakeClock(T0) }));
    const created = await saver.create(TEST_WORKSPACE, { name: 'buyers', rule: 'performed("Order Completed")' });
    if (!created.ok) throw new Error('segment refused');
    const segmentId = created.value.id;
    const jobs = new BackfillRepoSql(store.sql);
    expect((await jobs.parts(segmentId)).length).toBe(partitions);

    const child = spawn(process.execPath, ['--import', tsx, join(here, '../testing/backfill-child.ts'), String(T0), 'cluster', url, schema], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if ([...buffer.matchAll(/changes (\d+)/g)].some((m) => Number(m[1]) >= 100)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');

    const atKill = await jobs.parts(segmentId);
    expect((await jobs.get(segmentId))?.state).toBe('running');
    expect(atKill.some((p) => p.afterProfile !== '')).toBe(true);
    const enteredAtKill = (await new SqlChangeLog(store.sql).read(0, 100_000)).length;
    expect(enteredAtKill).toBeGreaterThanOrEqual(100);
    expect(enteredAtKill).toBeLessThan(PROFILES / 2);

    // Another process, after the dead one's leases expired (2 s), takes every partition (epoch 2) and resumes.
    worker = new ClusterWorker({
      store,
      clock: new FakeClock(T0 + 10_000),
      changeLog: new SqlChangeLog(store.sql),
      processId: 'successor',
      leaseMs: 2000,
      // Smaller slices than the dead process's: one slice does not finish a part it had started.
      engine: { tailIntervalMs: 0, backfill: { auto: false, profiles: 5 } },
    });
    await worker.start();
    await worker.settled();
    expect(worker.activePartitions().length).toBe(partitions);
    const status = await worker.status();
    expect(status.partitionStates.every((p) => p.holder === 'successor' && p.epoch === 2)).toBe(true);

    // One slice per partition: each running part goes on from its own checkpoint, so its progress grows by the
    // events of exactly the profiles between the old checkpoint and the new one.
    await worker.backfillSlice();
    const after = new Map((await jobs.parts(segmentId)).map((p) => [p.part, p]));
    let resumed = 0;
    for (const old of atKill) {
      if (old.state === 'done') continue;
      const now = after.get(old.part) as BackfillJob;
      if (now.state === 'done') continue;
      expect(compareProfileIds(now.afterProfile, old.afterProfile)).toBeGreaterThan(0);
      const between = await jobs.countEvents(TEST_WORKSPACE, old.afterProfile, now.afterProfile, now.uptoSeq, old.part);
      expect(now.done, `partition ${old.part}`).toBe(old.done + between);
      if (old.afterProfile !== '') resumed += 1;
    }
    expect(resumed).toBeGreaterThan(0);
    while (await worker.backfillSlice());

    const changes = await new SqlChangeLog(store.sql).read(0, 100_000);
    const evens = Array.from({ length: PROFILES / 2 }, (_, i) => id(2 * i));
    expect(changes.map((c) => `${c.kind} ${c.profileId} ${c.cause.kind}`).sort()).toEqual(evens.map((p) => `entered ${p} backfill`).sort());
    // The entries the dead process committed kept their instant; the rest are the successor's.
    expect(changes.filter((c) => c.at === T0).length).toBe(enteredAtKill);
    expect((await new MembershipRepoSql(store.sql).members(segmentId, null, 10_000)).map((m) => m.profileId)).toEqual(evens);
    expect(await saver.backfill(TEST_WORKSPACE, segmentId)).toMatchObject({ state: 'done', done: history().length, total: history().length });
  } finally {
    await worker?.stop();
    await store.close();
    await dropSchema(url, schema);
  }
}, 180_000);
