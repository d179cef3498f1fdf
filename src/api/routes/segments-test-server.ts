/**
 * A real segflow for the segments, changes and apply tests: `startApp` (the real engine, segment service and
 * change log) on a fresh SQLite file in a temporary directory, listening on a free local port, with known keys.
 * Test support only; production never imports it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Services, startApp } from '../../app/index.js';
import type { Store } from '../../store/index.js';

/** A running test server and how to reach it. */
export interface TestServer {
  readonly url: string;
  readonly writeKey: string;
  readonly adminKey: string;
  /** The app's real services, for tests that mount a route plugin with other options. */
  readonly services: Services;
  /** The store under the app, for tests that check what was written (the API itself never sees it). */
  readonly store: Store;
  close(): Promise<void>;
}

const writeKey = 'sfw_segments_test_write_key_0123';
const adminKey = 'sfa_segments_test_admin_key_0123';

/** Starts segflow with the real engine and a real SQLite store in a temporary directory. */
export async function startTestServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'segflow-segments-'));
  const app = await startApp(
    { port: 0, host: '127.0.0.1', storage: { kind: 'sqlite', file: join(dir, 'segflow.db') }, writeKey, adminKey, logLevel: 'silent' },
    { logger: pino({ level: 'silent' }) },
  );
  if (app.services.segments === undefined || app.services.changes === undefined) {
    await app.close();
    throw new Error('startApp did not wire the segment service and the change log');
  }
  return {
    url: app.url,
    writeKey,
    adminKey,
    services: app.services,
    store: app.store,
    async close() {
      await app.close();
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
