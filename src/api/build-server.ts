import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { apiError } from './error-catalogue.js';
import type { Services } from './services.js';
import { installAdminAuth } from './admin-auth.js';
import { installAuditLog } from './audit-hook.js';
import { apiMetrics } from './api-metrics.js';
import { installErrorHandler } from './error-handler.js';
import { installJsonParser, installQueryGuard } from './request-guards.js';
import { healthRoutes } from './routes/health.js';
import { routeAreas } from './routes/index.js';

/** Server-level options (the rest comes from {@link Services}). */
export interface ServerOptions {
  /** Milliseconds a graceful close waits for in-flight requests before cutting connections (default 10 s). */
  readonly closeGraceMs?: number;
  /** Timeouts and the connection cap (default {@link DEFAULT_CONNECTION_LIMITS}). */
  readonly connections?: ServerConnectionLimits;
  /**
   * A `serve --role engine` process: only `/healthz`, `/readyz` and `/metrics`; any other path (ingestion, the
   * admin API, the web app) answers 404 `ROLE_NO_API`, so a load balancer misconfigured to send traffic there
   * fails loudly instead of loading the engine's process.
   */
  readonly operationsOnly?: boolean;
}

/** How long a client may take and how many may be connected at once (milliseconds, connections). */
export interface ServerConnectionLimits {
  /** The whole request (headers and body) within this time, or 408 and the connection is closed. */
  readonly requestTimeoutMs: number;
  /** The request headers within this time. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this number are closed as soon as they are accepted. */
  readonly maxConnections: number;
}

/** The limits when none are given (the app passes its configuration's; see `src/app/config.ts`). */
export const DEFAULT_CONNECTION_LIMITS: ServerConnectionLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};

/**
 * Builds the Fastify server over the services: problem+json errors, admin auth for `/api/*`, the OpenAPI
 * document at `/api/openapi.json` and browsable docs at `/api/docs`, request latency metrics, and every area
 * of {@link routeAreas}. Not yet listening: call `listen` (the app does) or `inject` (tests).
 */
export async function buildServer(services: Services, options: ServerOptions = {}): Promise<FastifyInstance> {
  const limits = options.connections ?? DEFAULT_CONNECTION_LIMITS;
  const app = Fastify({
    // Node's own request timeout is 300 s and Fastify turns it off (0): a client trickling one byte a second
    // held its socket for as long as it liked. Node enforces the request and header timeouts by sweeping the
    // open connections every `connectionsCheckingInterval` (30 s by default, which would make a 1 s timeout
    // fire up to 30 s late); sweep at a fraction of the shortest timeout instead, at most once a second.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    loggerInstance: services.logger,
    // Per-request log lines would dominate at ingestion rates; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    // Refusals while draining go through our own hook below, as problem documents with Retry-After.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  // Past the cap Node closes each new socket as soon as it is accepted (the `drop` event): existing clients keep
  // being served, and a flood of idle connections cannot exhaust the process's file descriptors.
  app.server.maxConnections = limits.maxConnections;
  app.server.headersTimeout = limits.headersTimeoutMs;
  installErrorHandler(app);
  app.addHook('onRequest', async (request) => {
    if (!services.isShuttingDown()) return;
    const path = request.url.split('?')[0];
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') return;
    throw apiError('SHUTTING_DOWN', 'The server is shutting down; retry against another instance or shortly.', {
      retryAfterSeconds: 1,
    });
  });
  // A keep-alive connection whose request was in flight when shutdown began would otherwise stay open (and hold
  // `close()`) until the client drops it: tell the client this response is the connection's last.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (services.isShuttingDown()) void reply.header('connection', 'close');
    return payload;
  });
  if (options.operationsOnly) {
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0];
      if (path === '/healthz' || path === '/readyz' || path === '/metrics') return;
      throw apiError('ROLE_NO_API', `This process runs with --role engine and serves only /healthz, /readyz and /metrics, not ${request.method} ${path}.`);
    });
    installAdminAuth(app, services.keys, services.sessions);
    await healthRoutes(app, services);
    return app;
  }
  installJsonParser(app);
  installAdminAuth(app, services.keys, services.sessions);
  if (services.audit) installAuditLog(app, services.audit, () => services.clock.now());
  installQueryGuard(app);

  const metrics = apiMetrics(services.metrics, () => services.ingest.queueDepth);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'segflow',
        version: '0.1.0',
        description: 'Segment-compatible ingestion (/v1/*, write key) and the admin API (/api/*, admin key).',
      },
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key: Authorization: Bearer sfa_…' },
          writeKey: { type: 'http', scheme: 'basic', description: 'The write key as the Basic-auth username.' },
          writeKeyQuery: { type: 'apiKey', in: 'query', name: 'key', description: 'ESP webhooks: the write key as ?key=.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const area of routeAreas) await area(app, services);
  return app;
}
