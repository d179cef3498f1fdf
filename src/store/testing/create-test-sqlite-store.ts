import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import type { Store } from '../store.js';

/**
 * A fresh, migrated SQLite store in a temporary directory, configured exactly as in production (WAL, reader
 * connection). `close()` also deletes the directory.
 */
export async function createTestSqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-test-'));
  const store = await openSqliteStore({ file: join(dir, 'segflow.db') });
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close(): Promise<void> {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
