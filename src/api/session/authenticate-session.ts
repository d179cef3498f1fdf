import type { FastifyRequest } from 'fastify';
import { apiError } from '../error-catalogue.js';
import { CSRF_HEADER, sessionTokenOf } from './session-cookie.js';
import { sameSecret, type SessionInfo, type SessionService } from './session-service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin this request was addressed to (`http://127.0.0.1:8080`), as a browser would write it in `Origin`. */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Refuses a request whose `Origin` header names another site (browsers send it on every cross-origin POST/PUT/DELETE). */
export function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && origin !== requestOrigin(request)) {
    throw apiError('AUTH_CSRF_REFUSED', `A request from ${origin} may not use this session.`);
  }
  if (origin === 'null') throw apiError('AUTH_CSRF_REFUSED', 'A request from an opaque origin may not use this session.');
}

/**
 * The one seam between admin auth and browser sessions: authenticates a request by its session cookie.
 * Returns undefined when the request carries no session cookie (admin auth then asks for a Bearer key as
 * before). Throws `AUTH_SESSION_INVALID` (401) for an unknown, signed-out or expired session, and
 * `AUTH_CSRF_REFUSED` (403) when a state-changing request (anything but GET/HEAD/OPTIONS) lacks the session's
 * CSRF token in the `x-segflow-csrf` header or comes from another origin. SameSite=Strict already keeps other
 * sites from sending the cookie; the token is the second, independent lock (double submit against the stored
 * token), so one browser quirk is not enough to act on someone's behalf.
 */
export async function authenticateSessionRequest(sessions: SessionService, request: FastifyRequest): Promise<SessionInfo | undefined> {
  const token = sessionTokenOf(request.headers.cookie);
  if (token === undefined) return undefined;
  const session = await sessions.find(token);
  if (!session) throw apiError('AUTH_SESSION_INVALID', 'The session has expired or was signed out; sign in again.');
  if (!SAFE_METHODS.has(request.method)) {
    assertSameOrigin(request);
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
      throw apiError('AUTH_CSRF_REFUSED', `A state-changing request signed in by cookie must send the session's CSRF token in ${CSRF_HEADER}.`);
    }
  }
  return session;
}
