/**
 * A real segflow for the segments, changes and apply tests: `startApp` on a fresh SQLite file in a temporary
 * directory, listening on a free local port, with known keys. Test support only; production never imports it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../app/index.js';

/** A running test server and how to reach it. */
export interface TestServer {
  readonly url: string;
  readonly writeKey: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

/** Starts segflow with the real engine and a real SQLite store in a temporary directory. */
export async function startTestServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'segflow-segments-'));
  const writeKey = 'test-write-key-0123456789';
  const adminKey = 'test-admin-key-0123456789';
  const app = await startApp({
    port: 0,
    host: '127.0.0.1',
    storage: { kind: 'sqlite', file: join(dir, 'segflow.db') },
    writeKey,
    adminKey,
    logLevel: 'silent',
  });
  return {
    url: app.url,
    writeKey,
    adminKey,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
