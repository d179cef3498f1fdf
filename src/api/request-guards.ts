import type { FastifyInstance, preValidationHookHandler, RouteOptions } from 'fastify';
import { ADMIN_PREFIX, isPublicApiPath } from './admin-auth.js';
import { apiError } from './error-catalogue.js';

/** The query parameters a route's `querystring` schema declares (none when it has no schema). */
function declaredParameters(route: RouteOptions): readonly string[] {
  const schema = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {});
}

/**
 * Unknown query parameters are refused (400 `UNKNOWN_PARAMETER`, `field: "querystring.<name>"`) instead of being
 * ignored: a misspelt `?segmnet=vip` or a filter the route does not implement would otherwise answer as if it had
 * applied, which reads as "no such changes" rather than "you asked wrong". Attached per route from its schema;
 * the public docs (whose UI adds its own parameters) are exempt. Runs after authentication (`preValidation`), so
 * an unauthenticated prober learns nothing about a route's parameters.
 */
export function installQueryGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.startsWith(ADMIN_PREFIX) && isPublicApiPath(route.url)) return;
    // The web app's pages (src/api/routes/web-app.ts) keep their own state in the query string.
    if ((route.config as { anyQuery?: boolean } | undefined)?.anyQuery === true) return;
    const allowed = new Set(declaredParameters(route));
    const hook: preValidationHookHandler = async (request) => {
      for (const name of Object.keys((request.query ?? {}) as Record<string, unknown>)) {
        if (allowed.has(name)) continue;
        const known = allowed.size === 0 ? 'it takes none' : `it takes ${[...allowed].join(', ')}`;
        throw apiError('UNKNOWN_PARAMETER', `Unknown query parameter "${name}"; ${known}.`, { field: `querystring.${name}` });
      }
    };
    const existing = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    route.preValidation = [hook, ...existing];
  });
}

/**
 * Replaces the JSON body parser of the admin API so that a bodiless request that still says
 * `Content-Type: application/json` (many HTTP clients send that on DELETE) is not refused as `INVALID_JSON`.
 * Any other method with an empty body still is. Parsing otherwise stays Fastify's own (prototype-poisoning
 * keys refused).
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '' && (request.method === 'DELETE' || request.method === 'GET' || request.method === 'HEAD')) {
      done(null, undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
