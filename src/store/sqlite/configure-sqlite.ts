import type Database from 'better-sqlite3';

/** `synchronous` levels segflow supports in WAL mode; see docs/operations.md, "Storage". */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/**
 * Applies segflow's connection settings. Each is explained, with what it survives, in docs/operations.md:
 * WAL journal (readers never block the writer; a committed transaction survives a process crash),
 * `synchronous` NORMAL by default or FULL (also survives power loss), a busy timeout for a second process on
 * the same file, foreign keys, a 64 MiB page cache, 256 MiB of memory-mapped I/O, in-memory temp tables,
 * a cap on the WAL file size after checkpoints, and `secure_delete` (erased data is zeroed, not just unlinked).
 */
export function configureSqlite(db: Database.Database, options: { synchronous: SqliteSynchronous; readonly?: boolean }): void {
  if (!options.readonly) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (typeof mode === 'string' && mode.toLowerCase() !== 'wal' && mode.toLowerCase() !== 'memory') {
      throw new Error(`SQLite refused WAL journal mode (got ${mode})`);
    }
    // Checkpoint every ~40 MB of WAL instead of 4 MB: each checkpoint fsyncs the database file, the main
    // cost of a write burst on slow disks. The file is truncated back to 64 MB after a checkpoint.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('journal_size_limit = 67108864');
  }
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  // Deleted and overwritten content is zeroed in the page (and freed pages are zeroed), so an erased person's
  // data, or an older copy of an updated row, never lingers in the file's free space (docs/privacy.md).
  db.pragma('secure_delete = ON');
}

/** Reads `SEGFLOW_SQLITE_SYNCHRONOUS` (NORMAL when unset); throws on any other value. */
export function synchronousFromEnv(env: NodeJS.ProcessEnv = process.env): SqliteSynchronous {
  const raw = env.SEGFLOW_SQLITE_SYNCHRONOUS?.trim().toUpperCase();
  if (raw === undefined || raw === '') return 'NORMAL';
  if (raw === 'NORMAL' || raw === 'FULL') return raw;
  throw new Error(`SEGFLOW_SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${env.SEGFLOW_SQLITE_SYNCHRONOUS}"`);
}
