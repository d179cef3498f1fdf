/**
 * @module
 * The HTTP API (Fastify): Segment-compatible ingestion under `/v1/*`, the admin API under `/api/*` (Bearer admin
 * key), `/healthz`, `/readyz`, `/metrics`. Routes call services, never the database directly. Every error is an
 * RFC 9457 problem document ({@link problemFromError}). Areas add routes through `routes/index.ts`.
 */
export { isPublicApiPath, workspaceOf } from './admin-auth.js';
export type { ApiMetrics } from './api-metrics.js';
export { apiMetrics } from './api-metrics.js';
export type { ServerOptions } from './build-server.js';
export { buildServer } from './build-server.js';
export { installErrorHandler } from './error-handler.js';
export type { ProblemDetails, ProblemResponse } from './problem.js';
export { problem, problemFromError } from './problem.js';
export type { RouteArea } from './routes/index.js';
export { routeAreas } from './routes/index.js';
export type { SessionInfo, SessionOptions } from './session/index.js';
export { SessionRepoSql, SessionService } from './session/index.js';
