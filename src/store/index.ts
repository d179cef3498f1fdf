/**
 * @module
 * Storage: small repository interfaces, a dialect-neutral {@link SqlExecutor} for repositories written once,
 * and the SQLite (embedded default) and PostgreSQL adapters. Only `app/` chooses an adapter.
 *
 * Writing a repository for another area (engine, membership, destinations, …):
 * 1. Add a migration `src/store/migrations/NNNN-name.ts` in your id range with SQL for both dialects, and one
 *    line in `src/store/migrations/index.ts`.
 * 2. Write a class in your own folder taking a {@link SqlExecutor} (`constructor(private readonly sql:
 *    SqlExecutor)`), with `$1, $2, …` placeholders, JSON as text via {@link toJson} / {@link fromJson}, lists
 *    as one parameter via {@link inList} / {@link inListParam}, row sets via `sql.dialect.rowSet`, and whatever
 *    else differs between the backends through `sql.dialect` ({@link SqlDialect}) — never a branch on the
 *    backend's name.
 * 3. Build it from `store.sql` for single statements, or from `tx.sql` inside `store.transaction(async (tx) =>
 *    …)` to commit atomically with the store's own repositories. Multi-statement methods wrap themselves in
 *    `this.sql.transaction(…)`: nested transactions join the outer one.
 * 4. Test it with `describeEachStore` from `../store/testing/index.js`, which runs a suite on both backends.
 */
export type { ConsumableLog, ConsumerDb, ConsumerLoopOptions, ConsumerStep, LogConsumerOptions } from './consumer/index.js';
export { ConsumerLoop, CursorTable, eventLogOf, inSql, inStore, LogConsumer } from './consumer/index.js';
export type { AppendResult, EventRepo, EventSelection, HistoryScan, PartitionLag, ProfileEventsQuery, ProfileHistory } from './event-repo.js';
export { partitionOf, profileHash } from './partition-of.js';
export { appliedMigrations, migrate, pendingMigrations } from './migrate.js';
export type { Migration } from './migrations/index.js';
export { migrations } from './migrations/index.js';
export type { PostgresStoreOptions } from './postgres/open-postgres-store.js';
export { openPostgresStore } from './postgres/open-postgres-store.js';
export type { PartitionPosition, ProcessedUpTo } from './processed-up-to.js';
export { processedCondition, processedUpTo } from './processed-up-to.js';
export type { IdentityRef, NewProfile, ProfileRepo, SeenRange } from './profile-repo.js';
export { identityKey } from './profile-repo.js';
export { inList, inListParam } from './repos/in-list.js';
export { fromJson, fromJsonObject, toJson } from './repos/json-column.js';
export { DEFAULT_WORKSPACE_ID } from './repos/workspace-repo-sql.js';
export type { BoundRowSet, DialectName, RowSetType, SqlDialect } from './sql-dialect.js';
export type { Row, SqlExecutor } from './sql-executor.js';
export { postgresDialect } from './postgres/postgres-dialect.js';
export { sqliteDialect } from './sqlite/sqlite-dialect.js';
export type { SqliteSynchronous } from './sqlite/configure-sqlite.js';
export { configureSqlite, synchronousFromEnv } from './sqlite/configure-sqlite.js';
export type { SqliteStoreOptions } from './sqlite/open-sqlite-store.js';
export { openSqliteStore } from './sqlite/open-sqlite-store.js';
export type { Repos, Store } from './store.js';
export type { WorkspaceRepo } from './workspace-repo.js';
export { IdentityTakenError, isWriteConflict } from './write-conflict.js';
