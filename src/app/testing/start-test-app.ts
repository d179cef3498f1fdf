/**
 * @module
 * A segflow app for tests: the real wiring ({@link startApp}) on a temporary SQLite file (or a PostgreSQL URL),
 * with known keys, silent logs, and `close()` that also removes the temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Clock } from '../../core/index.js';
import type { IngestOptions } from '../../ingest/index.js';
import { openTestStore, type StoreKind } from '../../store/testing/index.js';
import type { StorageConfig } from '../config.js';
import { startApp, type RunningApp } from '../start-app.js';

/** A running test app and its keys. */
export interface TestApp {
  readonly app: RunningApp;
  readonly writeKey: string;
  readonly adminKey: string;
  /** `Authorization` header value for the admin API. */
  readonly adminAuth: string;
  /** `Authorization` header value for ingestion (Basic, write key as username). */
  readonly writeAuth: string;
  readonly dbFile: string | undefined;
  close(): Promise<void>;
}

/** Options of {@link startTestApp}. */
export interface TestAppOptions {
  /** Listen on an ephemeral port (default false: use `app.server.inject`). */
  readonly listen?: boolean;
  /** Defaults to a fresh SQLite file in a temporary directory. */
  readonly storage?: StorageConfig;
  readonly ingest?: IngestOptions;
  /** `postgres`: a fresh random schema in the test database (dropped on close) instead of a SQLite file. */
  readonly storeKind?: StoreKind;
  /** `SEGFLOW_*` settings for subsystems (e.g. `SEGFLOW_DESTINATION_ALLOWLIST`), as `loadConfig` would keep them. */
  readonly env?: Readonly<Record<string, string>>;
  /** The app's clock (a `FakeClock` for tests over time); the system clock by default. */
  readonly clock?: Clock;
}

/** Starts segflow for a test. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const external = options.storeKind === 'postgres' ? await openTestStore('postgres') : undefined;
  const dir = options.storage || external ? undefined : mkdtempSync(join(tmpdir(), 'segflow-e2e-'));
  const storage = options.storage ?? (dir ? { kind: 'sqlite' as const, file: join(dir, 'segflow.db') } : { kind: 'postgres' as const, url: 'postgres://injected' }); // unused: the store is injected
  const writeKey = 'sfw_test_write_key_0123456789';
  const adminKey = 'sfa_test_admin_key_0123456789';
  const app = await startApp(
    {
      port: 0,
      host: '127.0.0.1',
      storage,
      writeKey,
      adminKey,
      logLevel: 'silent',
      ...(options.env ? { env: options.env } : {}),
      ...(options.env?.SEGFLOW_METRICS_TOKEN ? { metricsToken: options.env.SEGFLOW_METRICS_TOKEN } : {}),
    },
    {
      logger: pino({ level: 'silent' }),
      listen: options.listen ?? false,
      ...(options.ingest ? { ingest: options.ingest } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(external ? { store: external.store } : {}),
    },
  );
  return {
    app,
    writeKey,
    adminKey,
    adminAuth: `Bearer ${adminKey}`,
    writeAuth: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    dbFile: storage.kind === 'sqlite' ? storage.file : undefined,
    async close() {
      await app.close();
      await external?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
