/**
 * @module
 * The HTTP API (Fastify): Segment-compatible ingestion under `/v1/*`, the admin API under `/api/*` (Bearer admin
 * key), `/healthz`, `/readyz`, `/metrics`. Routes call the narrow ports of {@link Services} (declared here, built by
 * src/app), never the database. Errors come from one catalogue ({@link API_ERRORS}, code → status). Every error is an
 * RFC 9457 problem document ({@link problemFromError}). Areas add routes through `routes/index.ts`.
 */
export { adminKeyHook, authenticateAdmin, installAdminAuth, isPublicApiPath, OPERATOR_WORKSPACE_ID, workspaceOf } from './admin-auth.js';
export { auditDetail, AUDITED_METHODS, installAuditLog, isAuditedRoute } from './audit-hook.js';
export type { ApiMetrics } from './api-metrics.js';
export { apiMetrics } from './api-metrics.js';
export type { ServerConnectionLimits, ServerOptions } from './build-server.js';
export { buildServer, DEFAULT_CONNECTION_LIMITS } from './build-server.js';
export { installErrorHandler } from './error-handler.js';
export type { ProblemDetails, ProblemResponse } from './problem.js';
export { problem, problemFromError } from './problem.js';
export type { ApiErrorCode, ApiErrorDefinition, ApiErrorOptions } from './error-catalogue.js';
export { API_ERRORS, apiError, BATCH_REJECTION_STATUS, isApiErrorCode } from './error-catalogue.js';
export type { AuditPort, EspPort, IngestPort, KeyPort, KeyView, ProfilePage, ProfileQueries, RevokeRefusal, Services, WorkspacePort, WorkspaceView } from './services.js';
export type { RouteArea } from './routes/index.js';
export * from './contract/index.js';
export { routeAreas } from './routes/index.js';
export type { SessionInfo, SessionOptions, SessionRecord, SessionRepo } from './session/index.js';
export { SessionService } from './session/index.js';
