import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { assertSameOrigin } from './authenticate-session.js';
import { clearedSessionCookie, sessionCookie, sessionTokenOf } from './session-cookie.js';
import type { SessionService } from './session-service.js';

/**
 * The `/api` routes open without authentication: signing in, and asking whether this browser is signed in
 * (the app's first request, which must not fail just because nobody is).
 */
export function isSignInRequest(method: string, path: string): boolean {
  return (method === 'POST' || method === 'GET' || method === 'HEAD') && path === '/api/session';
}

const SessionSchema = Type.Object({
  signedIn: Type.Boolean({ description: 'False when the request carries no live session cookie (nothing else is then set).' }),
  workspaceId: Type.Union([Type.String(), Type.Null()]),
  csrfToken: Type.Union([Type.String(), Type.Null()], { description: 'Send as x-segflow-csrf on POST/PUT/DELETE made with the cookie; null for a Bearer request.' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const secure = (request: FastifyRequest): boolean => request.protocol === 'https';

/** Options of {@link sessionRoutes}. */
export interface SessionRoutesOptions {
  readonly sessions: SessionService;
}

/**
 * `POST /api/session` (sign in with an admin key → session cookie), `GET /api/session` (who am I, and the CSRF
 * token the app sends back), `DELETE /api/session` (sign out).
 */
export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { sessions } = options;
  const tags = ['session'];

  app.post(
    '/api/session',
    {
      schema: {
        tags,
        summary: 'Sign in with an admin key: sets an HttpOnly, SameSite=Strict session cookie',
        security: [],
        body: Type.Object({ key: Type.String({ maxLength: 512, description: 'An admin key (sfa_…).' }) }, { additionalProperties: false }),
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      assertSameOrigin(request);
      const { key } = request.body as { key: string };
      const created = await sessions.signIn(key.trim() === '' ? undefined : key.trim());
      void reply.header('set-cookie', sessionCookie(created.token, sessions.remainingMs(created.expiresAt) / 1000, secure(request)));
      void reply.header('cache-control', 'no-store');
      return { signedIn: true, workspaceId: created.workspaceId, csrfToken: created.csrfToken, expiresAt: new Date(created.expiresAt).toISOString() };
    },
  );

  app.get(
    '/api/session',
    { schema: { tags, summary: 'Whether this browser is signed in: the session\'s workspace, CSRF token and expiry', security: [], response: { 200: SessionSchema } } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const token = sessionTokenOf(request.headers.cookie);
      const session = token === undefined ? undefined : await sessions.find(token);
      if (!session) {
        // A stale cookie is cleared, so the browser stops sending it.
        if (token !== undefined) void reply.header('set-cookie', clearedSessionCookie(secure(request)));
        return { signedIn: false, workspaceId: null, csrfToken: null, expiresAt: null };
      }
      return { signedIn: true, workspaceId: session.workspaceId, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
    },
  );

  app.delete(
    '/api/session',
    { schema: { tags, summary: 'Sign out: ends the session and clears the cookie', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = sessionTokenOf(request.headers.cookie);
      if (token !== undefined) await sessions.signOut(token);
      return reply.code(204).header('set-cookie', clearedSessionCookie(secure(request))).send();
    },
  );
}
