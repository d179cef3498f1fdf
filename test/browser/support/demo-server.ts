/**
 * Test support: a real segflow for the browser tests and the web bench — the web app built (when stale),
 * OTTO sessions from ../shared/data imported by the real `segflow import` (timestamps shifted to now) into a
 * temporary SQLite file, and the server started on it, listening on a free local port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../../../src/app/index.js';
import type { Clock } from '../../../src/core/index.js';
import { runCli } from '../../../src/cli/commands/testing-cli.js';
import { buildWebIfStale } from '../../../web/build-web.js';

/** The OTTO sample (20 real sessions, 862 events) shipped in ../shared/data. */
export const OTTO_SAMPLE = fileURLToPath(new URL('../../../../shared/data/otto-sessions-sample.jsonl', import.meta.url));

/** A running demo server and its keys. */
export interface DemoServer {
  readonly app: RunningApp;
  readonly url: string;
  readonly writeKey: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

/** Options of {@link startDemoServer}: the server's clock (a `FakeClock` for pages over days) and `SEGFLOW_*` settings. */
export interface DemoServerOptions {
  readonly clock?: Clock;
  readonly env?: Readonly<Record<string, string>>;
}

/** Builds the app if needed, imports `files` (OTTO by default) and starts segflow on the result. */
export async function startDemoServer(files: readonly string[] = [OTTO_SAMPLE], options: DemoServerOptions = {}): Promise<DemoServer> {
  await buildWebIfStale();
  const dir = mkdtempSync(join(tmpdir(), 'segflow-web-'));
  const db = join(dir, 'segflow.db');
  for (const file of files) {
    const run = await runCli(['import', file, '--db', db, '--shift-to', 'now', '--json'], { env: { ...process.env, CI: 'true' } });
    if (run.code !== 0) throw new Error(`segflow import ${file} failed (${run.code}): ${run.stderr}${run.stdout}`);
  }
  const writeKey = 'sfw_web_tour_write_key_0123456789';
  const adminKey = 'sfa_web_tour_admin_key_0123456789';
  const app = await startApp(
    { port: 0, host: '127.0.0.1', storage: { kind: 'sqlite', file: db }, writeKey, adminKey, logLevel: 'silent', ...(options.env ? { env: options.env } : {}) },
    { logger: pino({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}) },
  );
  return {
    app,
    url: app.url,
    writeKey,
    adminKey,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
