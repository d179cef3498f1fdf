import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqlStore } from '../sql-store.js';
import type { Store } from '../store.js';
import type { SqliteSynchronous } from './configure-sqlite.js';
import { configureSqlite, synchronousFromEnv } from './configure-sqlite.js';
import { SqliteExecutor } from './sqlite-executor.js';

/** Where and how to open the embedded database. */
export interface SqliteStoreOptions {
  /** Path of the database file (its directory is created), or `:memory:` for a private in-memory database. */
  readonly file: string;
  /** `NORMAL` (default, or `SEGFLOW_SQLITE_SYNCHRONOUS`) survives a process crash; `FULL` also power loss. */
  readonly synchronous?: SqliteSynchronous;
  /** Apply pending migrations on open (default true; `false` for tools that only inspect, e.g. `migrate --status`). */
  readonly migrate?: boolean;
}

/**
 * Opens (creating if needed) the SQLite store and applies pending migrations. A file database gets a second,
 * read-only connection so that reads outside transactions never wait for the writer.
 *
 * Open one store per file per process and share it: two stores on one file in the same process would wait
 * for each other's write lock synchronously (better-sqlite3 blocks the thread for up to `busy_timeout`),
 * where one store queues its transactions without blocking. Separate processes on one file are fine.
 * With `:memory:` there is no reader connection: reads outside a transaction wait for a running one.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const synchronous = options.synchronous ?? synchronousFromEnv();
  const memory = options.file === ':memory:' || options.file === '';
  if (!memory) mkdirSync(dirname(options.file), { recursive: true });
  const writer = new Database(options.file);
  let reader: Database.Database | undefined;
  try {
    configureSqlite(writer, { synchronous });
    if (!memory) {
      reader = new Database(options.file, { readonly: true, fileMustExist: true });
      configureSqlite(reader, { synchronous, readonly: true });
    }
  } catch (error) {
    reader?.close();
    writer.close();
    throw error;
  }
  const store = new SqlStore(new SqliteExecutor(writer, reader));
  try {
    if (options.migrate !== false) await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
