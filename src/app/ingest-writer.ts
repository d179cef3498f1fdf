import { ThreadGroupWriter, type GroupWriter } from '../ingest/index.js';
import { synchronousFromEnv, type Store } from '../store/index.js';
import type { AppConfig } from './config.js';

/**
 * The ingestion group writer for a configuration: on a SQLite file, a {@link ThreadGroupWriter} (SQLite's work
 * off the HTTP thread, see docs/performance.md) unless `SEGFLOW_INGEST_WRITER=inline`; otherwise (PostgreSQL,
 * `:memory:`, a store handed in by a test) none, and ingestion commits in the calling thread.
 */
export async function startIngestWriter(config: AppConfig, store: Store, storeInjected: boolean): Promise<GroupWriter | undefined> {
  const mode = (config.env?.SEGFLOW_INGEST_WRITER ?? 'thread').trim().toLowerCase();
  if (mode !== 'thread' && mode !== 'inline') throw new Error(`SEGFLOW_INGEST_WRITER must be thread or inline, got "${mode}"`);
  const { storage } = config;
  const exclusive = store.sql.exclusive?.bind(store.sql);
  if (mode === 'inline' || storeInjected || storage.kind !== 'sqlite' || storage.file === ':memory:' || !exclusive) return undefined;
  return ThreadGroupWriter.start({ file: storage.file, synchronous: synchronousFromEnv(config.env ?? {}), exclusive });
}
