/**
 * @module
 * Browser sessions for the web app: an admin key is exchanged once (`POST /api/session`) for a random token in
 * an `HttpOnly; SameSite=Strict` cookie (`Secure` over https) and a CSRF token the app sends back in
 * `x-segflow-csrf` on state-changing requests. Sessions are stored hashed (migration 0700) with an absolute
 * expiry from the injected clock; sign-out deletes them. Admin auth calls {@link authenticateSessionRequest}
 * (its one seam) for requests without a Bearer key, so every `/api` route — the SSE change stream included,
 * which `EventSource` cannot give a header — accepts the cookie.
 */
export { assertSameOrigin, authenticateSessionRequest, requestOrigin } from './authenticate-session.js';
export { clearedSessionCookie, CSRF_HEADER, SESSION_COOKIE, sessionCookie, sessionTokenOf } from './session-cookie.js';
export type { SessionRecord, SessionRepo } from './session-repo.js';
export type { SessionRoutesOptions } from './session-routes.js';
export { isSignInRequest, sessionRoutes } from './session-routes.js';
export type { NewSession, SessionInfo, SessionOptions } from './session-service.js';
export { DEFAULT_SESSION_TTL_MS, sameSecret, SessionService } from './session-service.js';
