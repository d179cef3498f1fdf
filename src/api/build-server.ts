import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { apiError } from './error-catalogue.js';
import type { Services } from './services.js';
import { installAdminAuth } from './admin-auth.js';
import { apiMetrics } from './api-metrics.js';
import { installErrorHandler } from './error-handler.js';
import { installJsonParser, installQueryGuard } from './request-guards.js';
import { routeAreas } from './routes/index.js';

/** Server-level options (the rest comes from {@link Services}). */
export interface ServerOptions {
  /** Milliseconds a graceful close waits for in-flight requests before cutting connections (default 10 s). */
  readonly closeGraceMs?: number;
}

/**
 * Builds the Fastify server over the services: problem+json errors, admin auth for `/api/*`, the OpenAPI
 * document at `/api/openapi.json` and browsable docs at `/api/docs`, request latency metrics, and every area
 * of {@link routeAreas}. Not yet listening: call `listen` (the app does) or `inject` (tests).
 */
export async function buildServer(services: Services, _options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger,
    // Per-request log lines would dominate at ingestion rates; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    // Refusals while draining go through our own hook below, as problem documents with Retry-After.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
  }) as unknown as FastifyInstance;
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
  installJsonParser(app);
  installAdminAuth(app, services.keys, services.sessions);
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
