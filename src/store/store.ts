import type { SqlExecutor } from './sql-executor.js';
import type { EventRepo } from './event-repo.js';
import type { ProfileRepo } from './profile-repo.js';
import type { WorkspaceRepo } from './workspace-repo.js';

/** The repositories, bound either to the store's connection or to one transaction. */
export interface Repos {
  readonly workspaces: WorkspaceRepo;
  readonly profiles: ProfileRepo;
  readonly events: EventRepo;
  /** The raw executor (bound to the same transaction), for repositories of other areas written once for both dialects. */
  readonly sql: SqlExecutor;
}

/**
 * A storage backend: SQLite (embedded default) or PostgreSQL. Everything segflow persists goes through a
 * Store; no other layer names a database library.
 */
export interface Store extends Repos {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  /**
   * Runs `fn` in one transaction: all its writes commit together when the promise resolves, or none do when
   * it rejects. Calls are serialised where the backend needs it (SQLite has a single writer). Once the
   * returned promise resolves, the writes are durable against a process crash.
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** True when the database answers (readiness probe). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
