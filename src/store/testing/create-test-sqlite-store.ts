import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import type { Store } from '../store.js';

/** Temporary directories of stores not closed yet; whatever a test forgot is removed when the process exits. */
const leftovers = new Set<string>();
let cleanupRegistered = false;

function removeLeftovers(): void {
  for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
  leftovers.clear();
}

/**
 * A fresh, migrated SQLite store in a temporary directory, configured exactly as in production (WAL, reader
 * connection). `close()` also deletes the directory (and process exit does, for a store never closed).
 */
export async function createTestSqliteStore(): Promise<Store> {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once('exit', removeLeftovers);
  }
  const dir = mkdtempSync(join(tmpdir(), 'segflow-test-'));
  leftovers.add(dir);
  let store: Store;
  try {
    store = await openSqliteStore({ file: join(dir, 'segflow.db') });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    leftovers.delete(dir);
    throw error;
  }
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close(): Promise<void> {
      await close();
      rmSync(dir, { recursive: true, force: true });
      leftovers.delete(dir);
    },
  });
}
