import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/commands/testing-cli.js';
import { partitionOf } from '../store/index.js';
import { dropSchema, randomSchemaName } from '../store/testing/create-test-postgres-store.js';
import { testDatabaseUrl, testStoreKinds } from '../store/testing/index.js';
import { startApp } from './start-app.js';
import type { RunningApp } from './start-app.js';

const WRITE_KEY = 'wk_cluster_backfill_0123456789';
const ADMIN_KEY = 'ak_cluster_backfill_0123456789';
const USERS = 60;

interface SegmentView {
  id: string;
  size: number;
  backfill?: { state: string; done: number; total: number };
}

describe.runIf(testStoreKinds().includes('postgres'))('segment backfills on a 16-partition PostgreSQL (cluster mode)', () => {
  const base = testDatabaseUrl();
  const schema = randomSchemaName();
  let app: RunningApp;
  let dir = '';

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    const url = new URL(base);
    url.searchParams.set('schema', schema);
    app = await startApp(
      { port: 0, host: '127.0.0.1', storage: { kind: 'postgres', url: url.toString() }, writeKey: WRITE_KEY, adminKey: ADMIN_KEY, logLevel: 'silent' },
      { logger: pino({ level: 'silent' }) },
    );
    expect(await app.store.events.partitions()).toBe(16);
    // Every user opened an email; every third bought: spread over many partitions.
    const batch = Array.from({ length: USERS }, (_, i) => [
      { type: 'track', userId: `u${i}`, event: 'Email Opened', messageId: `o${i}` },
      ...(i % 3 === 0 ? [{ type: 'track', userId: `u${i}`, event: 'Order Completed', messageId: `b${i}` }] : []),
    ]).flat();
    const res = await fetch(`${app.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBe(200);
    await app.settled();
    dir = await mkdtemp(join(tmpdir(), 'segflow-cluster-apply-'));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await dropSchema(base, schema);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers a save once every partition has backfilled its profiles, with the progress summed over the partitions', async () => {
    const created = await admin<{ segment: SegmentView }>('POST', '/api/segments', { name: 'buyers', rule: 'performed("Order Completed")' });
    expect(created.status).toBe(201);
    expect(created.body.segment.backfill).toMatchObject({ state: 'done', done: USERS + USERS / 3, total: USERS + USERS / 3 });
    expect(created.body.segment.size).toBe(USERS / 3);
    // The buyers live in several partitions: the save did wait for more than one partition's engine.
    const members = await admin<{ members: { profileId: string }[] }>('GET', `/api/segments/${created.body.segment.id}/members?limit=1000`);
    expect(new Set(members.body.members.map((m) => partitionOf(m.profileId, 16))).size).toBeGreaterThan(1);
  });

  it('shows a backfill saved without waiting as running, then done, on GET /api/segments/{id}', async () => {
    const created = await admin<{ segment: SegmentView }>('POST', '/api/segments?wait=false', { name: 'openers', rule: 'performed("Email Opened")' });
    expect(created.status).toBe(201);
    let view = created.body.segment;
    for (let i = 0; view.backfill?.state !== 'done' && i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = (await admin<{ segment: SegmentView }>('GET', `/api/segments/${view.id}`)).body.segment;
      expect(view.backfill?.done ?? 0).toBeLessThanOrEqual(view.backfill?.total ?? 0);
    }
    expect(view.backfill).toMatchObject({ state: 'done', done: USERS + USERS / 3, total: USERS + USERS / 3 });
    expect(view.size).toBe(USERS);
  });

  it('segflow apply waits for every partition of the backfills it started', async () => {
    await writeFile(join(dir, 'openers-and-buyers.rule'), '# name: Openers and buyers\nperformed("Email Opened") and performed("Order Completed")\n');
    const run = await runCli(['apply', dir, '--yes', '--json'], { env: { ...process.env, CI: '', SEGFLOW_URL: app.url, SEGFLOW_ADMIN_KEY: ADMIN_KEY } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const view = (await admin<{ segment: SegmentView }>('GET', `/api/segments/${encodeURIComponent('Openers and buyers')}`)).body.segment;
    expect(view.backfill).toMatchObject({ state: 'done', done: USERS + USERS / 3, total: USERS + USERS / 3 });
    expect(view.size).toBe(USERS / 3);
  }, 120_000);
});
