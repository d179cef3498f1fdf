import type { Clock } from '../../core/index.js';
import { assertNever } from '../../core/index.js';
import { defaultGuardedPostLimits, guardedPost, type GuardedPostLimits } from '../guarded-post.js';
import { parseRetryAfter } from '../retry-after.js';
import type { SsrfGuard } from '../ssrf-guard.js';
import type { SyncFailure } from './list-sync-provider.js';

/** One call to an ESP API. */
export interface EspRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/`, already escaped. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What an ESP call came to: a 2xx with its JSON (undefined when empty), or a classified failure. */
export type EspResponse =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | ({ readonly ok: false } & SyncFailure);

/** Options of an {@link EspClient}. */
export interface EspClientOptions {
  readonly baseUrl: string;
  /** Auth and version headers sent with every call (never logged). */
  readonly headers: Readonly<Record<string, string>>;
  /** `application/json` unless given (Klaviyo: `application/vnd.api+json`). */
  readonly contentType?: string;
  readonly guard: SsrfGuard;
  readonly clock: Clock;
  readonly limits?: Partial<GuardedPostLimits>;
  /** Extra trusted CA certificates (PEM), for a proxy with a private CA. */
  readonly ca?: string;
  /** Called with the wait a 429 asked for (metrics, the destination's rate-limit count). */
  readonly onRateLimited?: (retryAfterMs: number | undefined) => void;
}

/** Statuses below 500 that still mean "try again later". */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 425, 429]);

/**
 * A small JSON client for ESP APIs over the SSRF-guarded request (every connection checked, timeouts on the
 * injected clock, no connection reuse). It classifies answers the way the delivery worker needs: 2xx ok; 429
 * retryable with the wait from `Retry-After` (or, failing that, SendGrid's `X-RateLimit-Reset` epoch seconds);
 * 5xx, 408/409/425, timeouts and network errors retryable; other 4xx permanent (bad key, unknown list, invalid
 * contact) — those surface on the destination instead of being retried for days.
 */
export class EspClient {
  private readonly limits: GuardedPostLimits;

  constructor(private readonly options: EspClientOptions) {
    this.limits = { ...defaultGuardedPostLimits, maxResponseBytes: 4 * 1024 * 1024, maxRedirects: 0, ...options.limits };
  }

  async send(request: EspRequest): Promise<EspResponse> {
    const { clock } = this.options;
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const hasBody = request.body !== undefined;
    const result = await guardedPost({
      url: url.href,
      method: request.method,
      body: hasBody ? JSON.stringify(request.body) : '',
      headers: {
        accept: 'application/json',
        'user-agent': 'segflow-list-sync/0.1',
        ...(hasBody ? { 'content-type': this.options.contentType ?? 'application/json' } : {}),
        ...this.options.headers,
      },
      guard: this.options.guard,
      clock,
      limits: this.limits,
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
    });
    switch (result.kind) {
      case 'response': {
        const { status } = result;
        if (status >= 200 && status < 300) {
          let json: unknown;
          try {
            json = result.body.trim() === '' ? undefined : (JSON.parse(result.body) as unknown);
          } catch {
            return { ok: false, retryable: true, status, error: `HTTP ${status} with a body that is not JSON` };
          }
          return { ok: true, status, json };
        }
        const now = clock.now();
        const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now) ?? resetHeaderWait(result.headers['x-ratelimit-reset'], now, status);
        if (status === 429) this.options.onRateLimited?.(retryAfterMs);
        const retryable = status >= 500 || RETRYABLE_4XX.has(status) || (status >= 300 && status < 400);
        return {
          ok: false,
          retryable,
          status,
          error: `${request.method} ${request.path.split('?')[0]}: HTTP ${status}${errorDetail(result.body)}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      case 'refused':
        return { ok: false, retryable: result.refusal.kind === 'unresolvable', error: `refused by the SSRF guard (${result.url}): ${result.refusal.message}` };
      case 'timeout':
        return { ok: false, retryable: true, error: `${request.method} ${request.path.split('?')[0]}: ${result.phase} timeout` };
      case 'network':
        return { ok: false, retryable: true, error: `${request.method} ${request.path.split('?')[0]}: network error: ${result.message}` };
      default:
        return assertNever(result);
    }
  }
}

function resetHeaderWait(value: string | string[] | undefined, now: number, status: number): number | undefined {
  if (status !== 429 || typeof value !== 'string' || !/^\d+$/.test(value.trim())) return undefined;
  const at = Number(value.trim()) * 1000;
  return at > now ? at - now : 0;
}

/** The ESP's own words, from its error body (SendGrid `errors[].message`, Mailchimp `detail`, Klaviyo `errors[].detail`). */
function errorDetail(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const line = body.replace(/\s+/g, ' ').trim();
    return line === '' ? '' : `: ${line.slice(0, 200)}`;
  }
  const messages: string[] = [];
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    if (typeof o.detail === 'string') messages.push(o.detail);
    if (Array.isArray(o.errors)) {
      for (const e of o.errors.slice(0, 3)) {
        if (e && typeof e === 'object') {
          const m = (e as Record<string, unknown>).message ?? (e as Record<string, unknown>).detail;
          if (typeof m === 'string') messages.push(m);
        }
      }
    }
  }
  return messages.length > 0 ? `: ${messages.join('; ').slice(0, 300)}` : '';
}

/** A failure value from a failed response (drops the `ok` tag). */
export function failureOf(response: Extract<EspResponse, { ok: false }>): SyncFailure {
  const { ok: _ok, ...failure } = response;
  return failure;
}
