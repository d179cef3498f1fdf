import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { bearerTokenOf } from '../ingest/index.js';
import { apiError } from './error-catalogue.js';
import type { KeyPort } from './services.js';
import { authenticateSessionRequest, isSignInRequest, type SessionService } from './session/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The workspace of the authenticated key (admin key under `/api/*`, write key under `/v1/*`). */
    workspaceId: string;
    /**
     * Who made an admin request, as the audit log records it: `key:<key id>`, or `session:<key id>` for the web
     * app (the admin key the session was opened with).
     */
    actor: string;
  }
}

/**
 * The operator's workspace (the default one, created on the first start): only its admin keys and sessions may
 * create workspaces and read process-wide metrics.
 */
export const OPERATOR_WORKSPACE_ID = 'ws_default';

/** The admin API's route prefix. */
export const ADMIN_PREFIX = '/api/';

/** `/api/*` route patterns anyone may read: the OpenAPI document and the browsable docs. */
export function isPublicApiPath(path: string): boolean {
  return path === '/api/openapi.json' || path === '/api/docs' || path.startsWith('/api/docs/');
}

/**
 * The workspace of an authenticated request. Route areas pass this as `workspaceOf` to their plugins; it throws
 * if the request was not authenticated (a wiring bug, not a client error).
 */
export function workspaceOf(request: unknown): string {
  const id = (request as FastifyRequest).workspaceId;
  if (typeof id !== 'string' || id === '') throw new Error('request has no authenticated workspace');
  return id;
}

/**
 * Authenticates an admin request: `Authorization: Bearer <admin key>`, or (with `sessions`, and no
 * Authorization header) the web app's session cookie. Sets `request.workspaceId` and `request.actor`; throws
 * the catalogued 401/403 problem otherwise.
 */
export async function authenticateAdmin(request: FastifyRequest, keys: KeyPort, sessions?: SessionService): Promise<void> {
  const session = sessions && request.headers.authorization === undefined ? await authenticateSessionRequest(sessions, request) : undefined;
  if (session) {
    request.workspaceId = session.workspaceId;
    request.actor = `session:${session.keyId ?? 'unknown'}`;
    return;
  }
  const result = await keys.authenticate(bearerTokenOf(request.headers.authorization), 'admin');
  if (!result.ok) {
    throw result.error === 'AUTH_MISSING_KEY'
      ? apiError('AUTH_MISSING_ADMIN_KEY', 'Send an admin key as "Authorization: Bearer <key>" (segflow CLI: --key or SEGFLOW_ADMIN_KEY).')
      : apiError('AUTH_INVALID_ADMIN_KEY', 'The admin key is not valid.');
  }
  request.workspaceId = result.value.workspaceId;
  request.actor = `key:${result.value.keyId}`;
}

/**
 * The `onRequest` hook that requires `Authorization: Bearer <admin key>` and sets `request.workspaceId`. With
 * `sessions`, a request without an Authorization header may instead present the web app's session cookie.
 */
export function adminKeyHook(keys: KeyPort, sessions?: SessionService): onRequestHookHandler {
  return async function requireAdminKey(request) {
    await authenticateAdmin(request, keys, sessions);
  };
}

/**
 * Admin authentication as a property of the ROUTE, not of the URL text: every route whose pattern is under
 * `/api/` (except the public docs) gets the admin-key hook attached when it is registered. Fastify decodes the
 * path before matching, so `/%61pi/segments` reaches the `/api/segments` route; a check on `request.url` saw
 * `/%61pi/…` and let it through to handlers that then failed with 500s. Bound to the matched route, the check
 * runs however the path was spelled, and routes any area adds under `/api/` are protected without doing
 * anything. Must be installed before the routes are registered (`onRoute` sees only later routes).
 */
export function installAdminAuth(app: FastifyInstance, keys: KeyPort, sessions?: SessionService): void {
  app.decorateRequest('workspaceId', '');
  app.decorateRequest('actor', '');
  const hook = adminKeyHook(keys, sessions);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(ADMIN_PREFIX) || isPublicApiPath(route.url)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => isSignInRequest(m, route.url))) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing];
    // Every admin operation needs the key: say so in the OpenAPI document, so "Try it out" in /api/docs sends it.
    if (!route.schema?.hide) route.schema = { ...route.schema, security: [{ adminKey: [] }] } as RouteOptions['schema'];
  });
}
