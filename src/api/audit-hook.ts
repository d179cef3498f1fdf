import type { FastifyInstance, FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify';
import { bodyDigest, digestOf, personalParams } from '../monitor/index.js';
import { ADMIN_PREFIX, isPublicApiPath } from './admin-auth.js';
import type { AuditPort } from './services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What a route adds to its audit row beyond method, route, parameters and body digest — a segment's rule
     * before and after. Set it with {@link auditDetail}; null when the route adds nothing.
     */
    auditDetail: unknown;
  }
}

/** The methods that change something: each such request on an admin route writes one audit row. */
export const AUDITED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a request to this route pattern with this method is audited. */
export function isAuditedRoute(method: string, url: string): boolean {
  return AUDITED_METHODS.has(method) && url.startsWith(ADMIN_PREFIX) && !isPublicApiPath(url);
}

/** Lets a route say what changed (e.g. `{ rule: { before, after } }`); recorded with the request's audit row. */
export function auditDetail(request: FastifyRequest, detail: unknown): void {
  request.auditDetail = detail;
}

function paramsOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const params = (request.params ?? {}) as Record<string, unknown>;
  // Any parameter of a person's route names the person, whatever the route calls it (`:id` on erasure, `:ref`).
  const personRoute = (request.routeOptions.url ?? '').startsWith('/api/profiles/');
  for (const [name, value] of Object.entries(params)) {
    const text = String(value);
    out[name] = personRoute || personalParams.has(name) ? digestOf(text) : text;
  }
  return out;
}

/**
 * The audit log as a property of the ROUTE, like admin auth: every route registered under `/api/` gets an
 * `onSend` hook, and each authenticated POST/PUT/PATCH/DELETE it answers appends one row — who (key id or
 * session), when, method, route pattern, parameters (profile references as digests), the status answered, a
 * digest of the body with credential members masked (never the body: it may hold secrets) and what the route added with {@link auditDetail}.
 * Routes any area adds later are covered without touching them. Requests refused before authentication
 * (401) carry no workspace and change nothing: they are not recorded (a flood of them would only grow the
 * chain). The row is written before the answer leaves, so a client that saw the answer can find the row; if
 * the write fails the client gets a 500 instead of a silent gap. Must be installed before routes are registered.
 */
export function installAuditLog(app: FastifyInstance, audit: AuditPort, now: () => number): void {
  app.decorateRequest('auditDetail', null);
  const record: onSendHookHandler = async (request, reply, payload) => {
    if (!AUDITED_METHODS.has(request.method) || request.workspaceId === '' || request.workspaceId === undefined) return payload;
    try {
      await audit.record({
        workspaceId: request.workspaceId,
        at: now(),
        actor: request.actor || 'unknown',
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0]!,
        params: paramsOf(request),
        status: reply.statusCode,
        bodyDigest: bodyDigest(request.body),
        detail: request.auditDetail ?? null,
      });
    } catch (error) {
      request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'audit log append failed');
      // Answer 500 rather than a success with no row; an answer that already is a 5xx (this hook runs again for
      // the error document) keeps its status, so a database that is down cannot loop the two.
      if (reply.statusCode < 500) throw new Error('the audit log could not record this request', { cause: error });
    }
    return payload;
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => isAuditedRoute(m, route.url))) return;
    const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...existing, record];
  });
}
