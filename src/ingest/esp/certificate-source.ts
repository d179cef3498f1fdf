import { request } from 'node:https';

/** Fetches an https URL's body as text; throws on failure. The one door to the network of this module. */
export type HttpsGetter = (url: string) => Promise<string>;

/** Where SNS signing certificates come from (PEM text by URL). Pluggable so that tests never touch the network. */
export interface CertificateSource {
  get(url: string): Promise<string>;
}

/** Options of {@link httpsGetter}. */
export interface HttpsGetterOptions {
  /** Abort after this many milliseconds. Default 5 s. */
  readonly timeoutMs?: number;
  /** Refuse bodies larger than this. Default 64 KiB (a certificate is ~2 KiB). */
  readonly maxBytes?: number;
  /** Extra trusted CA certificates (PEM), e.g. behind a TLS-inspecting proxy; default: Node's trust store. */
  readonly ca?: string;
}

/**
 * The production getter: one HTTPS GET, no redirects followed, a timeout and a size cap. Callers check the
 * URL against their allow-list first (see {@link isAllowedSnsUrl}); this function refuses anything but https.
 */
export function httpsGetter(options: HttpsGetterOptions = {}): HttpsGetter {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return (url) =>
    new Promise<string>((resolve, reject) => {
      if (!url.startsWith('https://')) {
        reject(new Error('only https URLs are fetched'));
        return;
      }
      // Several events can report the same failure (destroy → error → close); the first outcome wins.
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
        req.destroy();
      };
      const req = request(url, { method: 'GET', timeout: timeoutMs, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
        if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) {
          res.resume();
          fail(new Error(`GET ${new URL(url).host} answered ${res.statusCode ?? 'nothing'}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new Error(`response larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.on('error', fail);
      });
      req.on('timeout', () => fail(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', fail);
      req.end();
    });
}

/**
 * A certificate source that asks `getter` once per URL and keeps the answer (SNS certificates are long-lived
 * and their URLs change when they rotate). Concurrent first requests share one fetch; a failed fetch is not
 * cached. At most `maxEntries` URLs are kept (oldest dropped first).
 */
export function cachedCertificateSource(getter: HttpsGetter, maxEntries = 32): CertificateSource {
  const cache = new Map<string, Promise<string>>();
  return {
    get(url) {
      const hit = cache.get(url);
      if (hit) return hit;
      const pending = getter(url);
      cache.set(url, pending);
      pending.catch(() => cache.delete(url));
      if (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return pending;
    },
  };
}

/**
 * True when `url` is one SNS itself would use: https, default port, no credentials, host
 * `sns.<region>.amazonaws.com` (or `.amazonaws.com.cn`), and — for certificates (`kind: 'certificate'`) — a
 * `.pem` path. Anything else is refused before any request, so a forged message cannot make segflow fetch
 * an attacker's certificate or probe internal addresses.
 */
export function isAllowedSnsUrl(url: string, kind: 'certificate' | 'subscribe'): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return false;
  if (!/^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(parsed.hostname)) return false;
  return kind === 'subscribe' || parsed.pathname.endsWith('.pem');
}
