/**
 * @module
 * Monitoring read models derived from segflow's logs, each following its log by a durable cursor
 * (`monitor_cursors`, migration 0701) off the hot path: the size history of every segment at hour and day
 * resolution ({@link SizeHistory}, from the membership change log) and the catalogue of names seen in the data
 * ({@link DataCatalog}, from the event log) that the rule editor autocompletes from. {@link startMonitor} runs
 * both; the app wires it in `start-app.ts`.
 */
export type { CatalogEntry, CatalogKind, CatalogView, DataCatalogOptions } from './data-catalog.js';
export { DataCatalog, entriesOf } from './data-catalog.js';
export { Follower } from './follower.js';
export type { Monitor, MonitorDeps } from './monitor-service.js';
export { startMonitor } from './monitor-service.js';
export type { SizePoint, SizeResolution } from './size-buckets.js';
export { BUCKET_MS, bucketStart, fillSeries } from './size-buckets.js';
export type { SizeHistoryOptions } from './size-history.js';
export { clampRange, MAX_POINTS, SizeHistory } from './size-history.js';
export type { SystemGaugeDeps } from './system-gauges.js';
export { registerSystemGauges } from './system-gauges.js';
