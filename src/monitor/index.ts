/**
 * @module
 * Monitoring read models derived from segflow's logs, each following its log by a durable cursor
 * (`monitor_cursors`, migration 0701) off the hot path: the size history of every segment at hour and day
 * resolution ({@link SizeHistory}, from the membership change log) and the catalogue of names seen in the data
 * ({@link DataCatalog}, from the event log) that the rule editor autocompletes from. {@link startMonitor} runs
 * both; the app wires it in `start-app.ts`. Beside them, read-only queries the admin API needs in bulk over the
 * store's tables: {@link PeopleDirectorySql} (many profile ids → userId and email at once, people search, a
 * person's current segments) and {@link SegmentVersionsSql} (a segment's rule versions). The running
 * {@link Monitor} carries all four, so the API reaches them through one port and never the store.
 */
export type { CatalogEntry, CatalogKind, CatalogView, DataCatalogOptions } from './data-catalog.js';
export { DataCatalog, entriesOf } from './data-catalog.js';
export type { Monitor, MonitorDeps } from './monitor-service.js';
export { startMonitor } from './monitor-service.js';
export type { SizePoint, SizeResolution } from './size-buckets.js';
export { BUCKET_MS, bucketStart, fillSeries } from './size-buckets.js';
export type { SizeHistoryOptions } from './size-history.js';
export { clampRange, HOURLY_RETENTION_MS, MAX_POINTS, SizeHistory } from './size-history.js';
export type { SystemGaugeDeps } from './system-gauges.js';
export { registerSystemGauges } from './system-gauges.js';
export { registerEngineMetrics } from './engine-metrics.js';
export type { Contact, CurrentSegment, PersonHit } from './people-directory-sql.js';
export { PeopleDirectorySql } from './people-directory-sql.js';
export type { SegmentVersion } from './segment-versions-sql.js';
export { SegmentVersionsSql } from './segment-versions-sql.js';
export type { AuditEntry, AuditQuery, AuditRecord, AuditVerification } from './audit/index.js';
export { AuditLogSql, bodyDigest, canonicalJson, chainHash, digestOf, GENESIS_HASH, personalParams, verifyRows } from './audit/index.js';
export type { Measurement, ViolationsBetween } from './alert-measures-sql.js';
export { AlertMeasuresSql } from './alert-measures-sql.js';
export type { AlertDecision } from './alert-policy.js';
export { decideAlert, RESOLVE_FRACTION } from './alert-policy.js';
export type { Alert, AlertNotification } from './alert-repo-sql.js';
export { AlertRepoSql } from './alert-repo-sql.js';
export type { AlertDestination, AlertKind, AlertParams, AlertRule, AlertRuleInput, AlertRuleProblem } from './alert-rule.js';
export { ALERT_KINDS, parseAlertRuleInput, SEGMENT_KINDS } from './alert-rule.js';
export type { AlertRuleRefusal, AlertSegments, AlertServiceDeps, AlertTick } from './alert-service.js';
export { AlertService } from './alert-service.js';
