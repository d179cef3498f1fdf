/**
 * @module
 * The audit log: every administrative request (who, what, when, outcome) in one append-only chain of hashes.
 * {@link AuditLogSql} stores and reads it; {@link chainHash} and {@link verifyRows} are the pure chain.
 */
export type { AuditEntry, AuditRecord, AuditVerification } from './audit-chain.js';
export { bodyDigest, canonicalJson, chainHash, digestOf, GENESIS_HASH, personalParams, verifyRows } from './audit-chain.js';
export type { AuditQuery } from './audit-log-sql.js';
export { AuditLogSql } from './audit-log-sql.js';
