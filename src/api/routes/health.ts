/**
 * @module
 * Operations endpoints, public and outside `/api`: `/healthz` (the process is up), `/readyz` (the store answers
 * and the server is not shutting down), `/metrics` (Prometheus text format).
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { problem } from '../problem.js';

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (request, reply) => {
    const path = request.url.split('?')[0];
    if (services.isShuttingDown()) {
      return reply.code(503).type('application/problem+json').send(problem(503, 'SHUTTING_DOWN', 'The server is shutting down.', { instance: path }));
    }
    const up = await services.ping().catch(() => false);
    if (!up) {
      return reply.code(503).type('application/problem+json').send(problem(503, 'STORE_UNAVAILABLE', 'The database does not answer.', { instance: path }));
    }
    return { status: 'ready' };
  });
  app.get('/metrics', hide, async (_request, reply) => {
    void reply.type(services.metrics.contentType);
    return services.metrics.metrics();
  });
}
