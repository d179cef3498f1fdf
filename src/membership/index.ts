/**
 * @module
 * Current segment members and the append-only log of entered/exited changes: the outbox that every
 * downstream consumer reads by cursor ({@link ChangeLog}, implemented by {@link SqlChangeLog}); the engine and
 * the segment service write it through {@link MembershipRepoSql}, in their own transactions.
 */
export type { ChangeLog } from './change-log.js';
export { MembershipRepoSql } from './membership-repo-sql.js';
export type { MembershipWrite } from './membership-write.js';
export { SqlChangeLog } from './sql-change-log.js';
