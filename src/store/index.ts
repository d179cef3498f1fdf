/**
 * @module
 * Storage: small repository interfaces, a dialect-neutral {@link SqlExecutor} for repositories written once,
 * and the SQLite (embedded default) and PostgreSQL adapters. Only `app/` chooses an adapter.
 */
export type { AppendResult, EventRepo, ProfileEventsQuery } from './event-repo.js';
export type { Migration } from './migrations/index.js';
export { migrations } from './migrations/index.js';
export type { ProfileRepo } from './profile-repo.js';
export type { Row, SqlExecutor } from './sql-executor.js';
export type { Repos, Store } from './store.js';
export type { WorkspaceRepo } from './workspace-repo.js';
