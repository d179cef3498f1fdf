import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/index.js';
import { bearerTokenOf, type KeyAuthenticator } from '../ingest/index.js';
import { authenticateSessionRequest, isSignInRequest, type SessionService } from './session/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The workspace of the authenticated key (admin key under `/api/*`, write key under `/v1/*`). */
    workspaceId: string;
  }
}

/** `/api/*` paths anyone may read: the OpenAPI document and the browsable docs. */
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
 * Requires `Authorization: Bearer <admin key>` on every `/api/*` route except the public docs, and sets
 * `request.workspaceId`. Routes added by any area under `/api/` are protected without doing anything. With
 * `sessions`, a request without an Authorization header may instead present the web app's session cookie.
 */
export function installAdminAuth(app: FastifyInstance, keys: KeyAuthenticator, sessions?: SessionService): void {
  app.decorateRequest('workspaceId', '');
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/') || isPublicApiPath(path) || isSignInRequest(request.method, path)) return;
    const session = sessions && request.headers.authorization === undefined ? await authenticateSessionRequest(sessions, request) : undefined;
    if (session) {
      request.workspaceId = session.workspaceId;
      return;
    }
    const result = await keys.authenticate(bearerTokenOf(request.headers.authorization), 'admin');
    if (!result.ok) {
      throw result.code === 'AUTH_MISSING_KEY'
        ? new AppError('AUTH_MISSING_ADMIN_KEY', 401, 'Send an admin key as "Authorization: Bearer <key>".')
        : new AppError('AUTH_INVALID_ADMIN_KEY', 401, 'The admin key is not valid.');
    }
    request.workspaceId = result.workspaceId;
  });
}
