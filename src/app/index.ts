/**
 * @module
 * Wiring: configuration → store adapter → services → HTTP server. {@link startApp} is the only place in segflow
 * that names a concrete storage adapter. It builds the narrow ports the API declares (`Services`, in src/api):
 * profile queries, the ESP webhook port, the segment and destination services.
 */
export type { NewKeys } from './bootstrap-keys.js';
export { bootstrapKeys, keysBanner } from './bootstrap-keys.js';
export type { AppConfig, ConfigFlags, ConfigResult, StorageConfig } from './config.js';
export { configDefaults, loadConfig } from './config.js';
export type { LoggerOptions } from './logger.js';
export { createLogger, redactedPaths } from './logger.js';
export type { Services } from './services.js';
export type { EspPortDeps } from './esp-port.js';
export { storeEspPort } from './esp-port.js';
export { storeProfileQueries } from './profile-queries.js';
export { SessionRepoSql } from './session-repo-sql.js';
export type { RunningApp, StartOptions } from './start-app.js';
export { closeOnSignals, openStore, startApp } from './start-app.js';
