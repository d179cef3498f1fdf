/**
 * @module
 * Operations endpoints outside `/api`: `/healthz` (the process is up) and `/readyz` (the store answers and the
 * server is not shutting down), public for probes; `/metrics` (Prometheus text format), which answers only the
 * metrics token or the operator (an admin key or web session of the default workspace).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerTokenOf } from '../../ingest/index.js';
import { authenticateAdmin, OPERATOR_WORKSPACE_ID } from '../admin-auth.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';
import { problem } from '../problem.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Guards `/metrics`. The figures are process-wide (every workspace's traffic, queue depths, error rates), so a
 * tenant's admin key is not enough: Prometheus presents `SEGFLOW_METRICS_TOKEN` as a bearer token, and the
 * operator's own admin key or web session (the system page) also passes. Comparing digests keeps the check's
 * time independent of how much of a guess is right.
 */
function metricsGuard(services: Services): (request: FastifyRequest) => Promise<void> {
  const token = services.metricsToken === undefined ? undefined : digest(services.metricsToken);
  return async (request) => {
    const presented = bearerTokenOf(request.headers.authorization);
    if (token !== undefined && presented !== undefined && timingSafeEqual(digest(presented), token)) return;
    await authenticateAdmin(request, services.keys, services.sessions);
    if (request.workspaceId !== OPERATOR_WORKSPACE_ID) {
      throw apiError('METRICS_FORBIDDEN', 'Metrics cover every workspace: present SEGFLOW_METRICS_TOKEN or an admin key of the default workspace.');
    }
  };
}

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
  app.get('/metrics', { ...hide, onRequest: metricsGuard(services) }, async (_request, reply) => {
    void reply.type(services.metrics.contentType);
    return services.metrics.metrics();
  });
}
