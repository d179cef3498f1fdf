import type { FastifyInstance } from 'fastify';
import { problem, problemFromError } from './problem.js';

/**
 * Installs segflow's single error handler and the not-found handler: every failure leaves the server as an
 * `application/problem+json` document (see {@link problemFromError}). 5xx are logged with their stack; client
 * errors at debug level only, so a flood of bad input cannot flood the logs.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { problem: body, headers, internal } = problemFromError(error, {
      url: request.url,
      route: request.routeOptions.url,
      id: request.id,
    });
    if (internal) request.log.error({ err: error, code: body.code }, 'request failed');
    else request.log.debug({ code: body.code, field: body.field }, 'request refused');
    void reply.code(body.status).headers(headers).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body = problem(404, 'NOT_FOUND', `No endpoint ${request.method} ${request.url.split('?')[0]}.`, {
      instance: request.url.split('?')[0],
    });
    void reply.code(404).type('application/problem+json').send(body);
  });
}
