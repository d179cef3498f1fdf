/**
 * @module
 * Privacy: erasure and suppression of people ({@link ErasureService}: every table that holds their data, a
 * tombstone of identifier hashes, exits with cause `erased` through the engine's writer), its background
 * {@link ErasureWorker}, the data-subject access export ({@link exportProfile}), and the {@link PrivacyPort} the
 * API calls. See docs/privacy.md.
 */
export type { Erasure, ErasureKind, ErasureStatus } from './erasure.js';
export { ERASURE_KINDS } from './erasure.js';
export type { ErasureReceipt, ErasureRequestError, ErasureServiceOptions, ErasureWriter } from './erasure-service.js';
export { ErasureService } from './erasure-service.js';
export { ErasureWorker } from './erasure-worker.js';
export type { PersonalDataTable } from './personal-data-tables.js';
export { PERSONAL_DATA_TABLES, purgePersonalData, purgeStatement } from './personal-data-tables.js';
export type { PrivacyPort, RetentionWarning } from './privacy-port.js';
export type { ExplainMembership, ExportRow, ProfileExport } from './profile-export.js';
export { exportProfile } from './profile-export.js';
export type { Retention, RetentionOptions, RetentionPass } from './retention.js';
export { RETENTION_SETTING, RetentionWorker } from './retention.js';
export { retentionFindings } from './retention-findings.js';
export { retentionWarnings } from './retention-warnings.js';
export { hasConsent } from './consent-gate.js';
