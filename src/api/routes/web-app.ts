/**
 * @module
 * The web app at `/`: the files Vite built into `web/dist` (see web/build-web.ts), served by the same Fastify
 * process as the API. Any other GET outside `/api/`, `/v1/` and the operations endpoints answers the app's
 * `index.html` to a browser (`Accept: text/html`), so a reloaded or shared deep link (`/segments/VIP`) opens the right page: the app routes on the
 * client. Hashed assets under `/assets/` are cached for a year; `index.html` is revalidated every time, so a new
 * build is picked up at the next page load.
 *
 * When the bundle is missing (a checkout that never ran `npm start` or `npm run build:web`), `/` answers a short
 * page saying how to build it rather than a bare 404.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** The built app's folder: `web/dist` of this checkout. */
export function webDistDir(): string {
  return fileURLToPath(new URL('../../../web/dist', import.meta.url));
}

/**
 * The page's Content-Security-Policy: everything from this origin only. Inline styles stay allowed because the
 * chart library sizes its canvas through style attributes; scripts are never inline.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const NOT_APP = /^\/(api|v1)(\/|$)|^\/(healthz|readyz|metrics)$/;

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>segflow</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>segflow</h1><p>The web app is not built in this checkout. Run <code>npm run build:web</code> (or start with
<code>npm start</code>, which builds it first) and reload. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/** Options of {@link webAppRoutes}. */
export interface WebAppOptions {
  /** The built app's folder (default {@link webDistDir}). */
  readonly root?: string;
}

/** Registers the static app and its client-side-routing fallback. */
export async function webAppRoutes(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const root = options.root ?? webDistDir();
  const built = existsSync(`${root}/index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      index: false,
      etag: true,
      cacheControl: false,
      lastModified: true,
    });
  }
  const sendIndex = (reply: import('fastify').FastifyReply): unknown => {
    void reply.header('content-security-policy', WEB_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(MISSING);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  // `anyQuery`: app pages carry their own query parameters (`?segment=…`); the API's unknown-parameter guard skips them.
  const route = { schema: { hide: true }, config: { anyQuery: true } };
  app.get('/', route, async (_request, reply) => sendIndex(reply));
  app.get('/*', route, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!);
    if (NOT_APP.test(path)) return reply.callNotFound();
    if (built && path.startsWith('/assets/') && !path.includes('..') && existsSync(`${root}${path}`)) {
      void reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff');
      return reply.sendFile(path.slice(1));
    }
    // Only a browser navigating (Accept: text/html) gets the app; an API client's typo still gets a 404 problem.
    if (path.startsWith('/assets/') || !(request.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
    return sendIndex(reply);
  });
}

/** The web app route area (see `routes/index.ts`); registered last so every API route takes precedence. */
export async function webAppArea(app: FastifyInstance, _services: Services): Promise<void> {
  await webAppRoutes(app);
}
