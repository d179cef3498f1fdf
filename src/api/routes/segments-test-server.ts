/**
 * A real segflow for the segments, changes and apply tests: the real engine, segment service and change log on
 * a fresh SQLite file in a temporary directory, served by the real `buildServer` on a free local port, with
 * known keys. Test support only; production never imports it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { type Services, bootstrapKeys, startApp } from '../../app/index.js';
import { systemClock } from '../../core/index.js';
import { Engine, EngineSegmentService } from '../../engine/index.js';
import { IngestService, KeyAuthenticator } from '../../ingest/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openSqliteStore } from '../../store/index.js';
import { buildServer } from '../index.js';

/** A running test server and how to reach it. */
export interface TestServer {
  readonly url: string;
  readonly writeKey: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

const writeKey = 'sfw_segments_test_write_key_0123';
const adminKey = 'sfa_segments_test_admin_key_0123';

/** Starts segflow with the real engine and a real SQLite store in a temporary directory. */
export async function startTestServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'segflow-segments-'));
  const file = join(dir, 'segflow.db');
  const logger = pino({ level: 'silent' });
  const app = await startApp({ port: 0, host: '127.0.0.1', storage: { kind: 'sqlite', file }, writeKey, adminKey, logLevel: 'silent' }, { logger });
  if ((app.services as Services & { segments?: unknown }).segments !== undefined) {
    return { url: app.url, writeKey, adminKey, close: async () => (await app.close(), await rm(dir, { recursive: true, force: true })) };
  }
  // TODO: remove once startApp wires the engine (then the branch above is always taken).
  await app.close();
  const store = await openSqliteStore({ file });
  await bootstrapKeys(store, { writeKey, adminKey }, systemClock.now());
  const changes = new SqlChangeLog(store.sql);
  const engine = new Engine({ store, clock: systemClock, changeLog: changes });
  await engine.start();
  const ingest = new IngestService(store, { clock: systemClock });
  ingest.onCommitted((seq) => engine.wake(seq));
  const services = {
    store,
    ingest,
    keys: new KeyAuthenticator(store.workspaces, systemClock),
    clock: systemClock,
    logger,
    metrics: new Registry(),
    isShuttingDown: () => false,
    segments: new EngineSegmentService(store, engine, changes),
    changes,
  };
  const server = await buildServer(services);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    writeKey,
    adminKey,
    async close() {
      await server.close();
      await ingest.drain();
      await engine.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let probes = 0;

/**
 * Waits until the engine has caught up with what was ingested: a throw-away segment with `rule` must reach
 * `size` members (ingestion acknowledges before the engine evaluates). The caller's test timeout bounds the wait.
 */
export async function waitForEngine(server: TestServer, rule: string, size: number): Promise<void> {
  const headers = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
  const name = `probe ${++probes}`;
  const created = await fetch(`${server.url}/api/segments`, { method: 'POST', headers, body: JSON.stringify({ name, rule }) });
  if (created.status !== 201) throw new Error(`probe segment refused: ${await created.text()}`);
  for (;;) {
    const res = await fetch(`${server.url}/api/segments/${encodeURIComponent(name)}`, { headers });
    const body = (await res.json()) as { segment: { size: number } };
    if (body.segment.size >= size) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const deleted = await fetch(`${server.url}/api/segments/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
  if (deleted.status !== 200) throw new Error(`probe segment not deleted: ${await deleted.text()}`);
}

/** Retries `check` until it stops throwing (the caller's test timeout bounds the wait). */
export async function eventually<T>(check: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await check();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
