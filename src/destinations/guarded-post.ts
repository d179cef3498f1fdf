import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import tls from 'node:tls';
import type { Clock, TimerHandle } from '../core/index.js';
import type { PinnedTarget, SsrfGuard, SsrfRefusal } from './ssrf-guard.js';

/** Limits of one guarded POST. */
export interface GuardedPostLimits {
  /** From the start of a hop until its TCP (and TLS) connection is up. */
  readonly connectTimeoutMs: number;
  /** From the first byte sent until the response is read, across every redirect hop. */
  readonly totalTimeoutMs: number;
  /** Response bytes read at most (the rest is discarded and the connection closed). */
  readonly maxResponseBytes: number;
  /** 307/308 redirects followed at most (each hop checked by the guard); 0 follows none. */
  readonly maxRedirects: number;
}

/** Sensible defaults: 5 s to connect, 15 s in all, 64 KiB of response, 3 redirects. */
export const defaultGuardedPostLimits: GuardedPostLimits = {
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 15_000,
  maxResponseBytes: 64 * 1024,
  maxRedirects: 3,
};

/** What a guarded POST came to. */
export type GuardedPostResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      /** The body, cut at `maxResponseBytes`. */
      readonly body: string;
      /** The URL that answered (after redirects). */
      readonly url: string;
    }
  | { readonly kind: 'refused'; readonly refusal: SsrfRefusal; readonly url: string }
  | { readonly kind: 'timeout'; readonly phase: 'connect' | 'total' }
  | { readonly kind: 'network'; readonly message: string };

/** Everything a guarded POST needs. */
export interface GuardedPostRequest {
  readonly url: string;
  /** `POST` unless given (ESP APIs also need GET, PUT and DELETE). */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  /** The request body; a GET sends none. */
  readonly body: string;
  /** Extra trusted certificate authorities (PEM) for https, e.g. a private CA; the system roots stay trusted too. */
  readonly ca?: string | readonly string[];
  readonly guard: SsrfGuard;
  /** Drives the timeouts (a FakeClock in tests: nothing waits on wall time). */
  readonly clock: Clock;
  readonly limits: GuardedPostLimits;
}

class Timeout extends Error {
  constructor(readonly phase: 'connect' | 'total') {
    super(`${phase} timeout`);
  }
}

/**
 * POSTs a body with node's http/https, connecting only to addresses the {@link SsrfGuard} approved: the host
 * is resolved and checked first, then the request's `lookup` hands node that checked address (so there is
 * no second DNS answer to rebind). 307 and 308 redirects are followed up to `maxRedirects`, each hop checked
 * the same way, never from https down to http; other 3xx come back as responses for the caller to judge.
 * Connection reuse is off (`agent: false`) so every connection is made to a freshly checked address.
 */
export async function guardedPost(request: GuardedPostRequest): Promise<GuardedPostResult> {
  const { clock, limits } = request;
  let current: ClientRequest | undefined;
  let expired = false;
  const total: TimerHandle = clock.schedule(clock.now() + limits.totalTimeoutMs, () => {
    expired = true;
    current?.destroy(new Timeout('total'));
  });
  try {
    let url = request.url;
    for (let hop = 0; ; hop++) {
      const pinned = await request.guard.pin(url);
      if (!pinned.ok) return { kind: 'refused', refusal: pinned.refusal, url };
      if (expired) return { kind: 'timeout', phase: 'total' };
      const response = await oneHop(pinned.value, request, (req) => (current = req));
      if (response.kind !== 'response') return response;
      const location = response.headers.location;
      if ((response.status === 307 || response.status === 308) && location && hop < limits.maxRedirects) {
        const next = new URL(location, url);
        if (new URL(url).protocol === 'https:' && next.protocol === 'http:') {
          return {
            kind: 'refused',
            url: next.href,
            refusal: { kind: 'scheme', message: `redirect from https down to http (${next.href}) not followed` },
          };
        }
        url = next.href;
        continue;
      }
      return response;
    }
  } finally {
    total.cancel();
  }
}

function oneHop(
  target: PinnedTarget,
  request: GuardedPostRequest,
  track: (req: ClientRequest) => void,
): Promise<GuardedPostResult> {
  const { clock, limits } = request;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: GuardedPostResult): void => {
      if (settled) return;
      settled = true;
      connect.cancel();
      resolve(result);
    };
    const pinnedLookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    }) as unknown as LookupFunction;
    const url = target.url;
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request({
      protocol: url.protocol,
      hostname: target.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: request.method ?? 'POST',
      headers: request.method === 'GET' ? { ...request.headers } : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      ...(request.ca === undefined ? {} : { ca: withSystemRoots(request.ca) }),
      agent: false,
      lookup: pinnedLookup,
      // Keeps TLS checking the certificate against the name, not the pinned address.
      // (SNI never carries an IP address, RFC 6066.)
      ...(url.protocol === 'https:' && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
    });
    track(req);
    const connect = clock.schedule(clock.now() + limits.connectTimeoutMs, () => req.destroy(new Timeout('connect')));
    req.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => connect.cancel());
    });
    req.on('error', (err) => {
      if (err instanceof Timeout) finish({ kind: 'timeout', phase: err.phase });
      else finish({ kind: 'network', message: err.message });
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          url: url.href,
        });
      res.on('data', (chunk: Buffer) => {
        const room = limits.maxResponseBytes - size;
        if (room <= 0) return;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(room, chunk.length);
        if (size >= limits.maxResponseBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => {
        if (err instanceof Timeout) finish({ kind: 'timeout', phase: err.phase });
        else done();
      });
    });
    req.end(request.method === 'GET' ? undefined : request.body);
  });
}

/** Node's `ca` option replaces the default roots; keep them, so a private CA adds trust instead of narrowing it. */
function withSystemRoots(ca: string | readonly string[]): string[] {
  return [...tls.rootCertificates, ...(typeof ca === 'string' ? [ca] : ca)];
}
