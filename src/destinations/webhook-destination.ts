import { Webhook } from 'standardwebhooks';
import type { Clock } from '../core/index.js';
import { assertNever } from '../core/index.js';
import type { Destination, DeliveryOutcome, OutboundMessage } from './destination.js';
import { defaultGuardedPostLimits, guardedPost, type GuardedPostLimits, type GuardedPostResult } from './guarded-post.js';
import { parseRetryAfter } from './retry-after.js';
import type { SsrfGuard } from './ssrf-guard.js';

/** Where and how a {@link WebhookDestination} sends. */
export interface WebhookDestinationOptions {
  readonly url: string;
  /** `whsec_…` (base64 key after the prefix). */
  readonly secret: string;
  /** The secret before the last rotation: during its grace period each message carries both signatures. */
  readonly previousSecret?: string;
  readonly guard: SsrfGuard;
  /** Extra trusted CA certificates (PEM) for an https receiver with a private CA. */
  readonly ca?: string;
  readonly clock: Clock;
  readonly limits?: Partial<GuardedPostLimits>;
}

/** Statuses below 500 that still mean "try again later" (RFC 9110 / RFC 8470 / RFC 6585). */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 425, 429]);

/**
 * A Standard Webhooks endpoint. Each call is one attempt: the body is the JSON payload; headers are
 * `webhook-id` (the message id, identical on every retry), `webhook-timestamp` (seconds, the attempt's
 * time) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, made by the
 * `standardwebhooks` library; during a secret rotation's grace period, the new and the old signature,
 * space-separated). 2xx is success; 5xx, 408/409/425/429, timeouts, network errors and
 * redirects that were not followed are retryable (with the receiver's `Retry-After` when given); other
 * 4xx and addresses the SSRF guard refuses are not.
 */
export class WebhookDestination implements Destination {
  private readonly webhook: Webhook;
  private readonly previous: Webhook | undefined;
  private readonly limits: GuardedPostLimits;

  constructor(private readonly options: WebhookDestinationOptions) {
    this.webhook = new Webhook(options.secret);
    this.previous = options.previousSecret === undefined ? undefined : new Webhook(options.previousSecret);
    this.limits = { ...defaultGuardedPostLimits, ...options.limits };
  }

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    return this.deliverJson(message.id, message.payload);
  }

  /**
   * One attempt with any JSON body (workflow steps send their own payload): same headers, signature and outcome
   * rules as {@link deliver}; `id` is the `webhook-id`, identical on every retry.
   */
  async deliverJson(id: string, payload: object): Promise<DeliveryOutcome> {
    const { clock } = this.options;
    const started = clock.now();
    const body = JSON.stringify(payload);
    // Standard Webhooks: several space-separated signatures; a receiver accepts the message if any verifies,
    // so one holding either the old or the new secret keeps working through a rotation.
    const signature = [this.webhook, ...(this.previous ? [this.previous] : [])].map((w) => w.sign(id, new Date(started), body)).join(' ');
    const result = await guardedPost({
      url: this.options.url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'segflow-webhooks/0.1',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(started / 1000)),
        'webhook-signature': signature,
      },
      guard: this.options.guard,
      clock,
      limits: this.limits,
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
    });
    return outcomeOf(result, started, clock.now());
  }
}

function snippet(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

/** Turns what the HTTP exchange came to into a delivery outcome. */
export function outcomeOf(result: GuardedPostResult, started: number, now: number): DeliveryOutcome {
  const durationMs = Math.max(0, now - started);
  switch (result.kind) {
    case 'response': {
      const status = result.status;
      if (status >= 200 && status < 300) return { ok: true, status, durationMs };
      const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now);
      const base = { ok: false as const, status, durationMs, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      if (status >= 300 && status < 400) {
        return { ...base, retryable: true, error: `redirect ${status} to ${result.headers.location ?? '(no location)'} not followed` };
      }
      const retryable = status >= 500 || RETRYABLE_4XX.has(status) || status < 200;
      return { ...base, retryable, error: `HTTP ${status}${result.body ? `: ${snippet(result.body)}` : ''}` };
    }
    case 'refused':
      return {
        ok: false,
        // A name that does not resolve may resolve later; an address the guard forbids will not become public.
        retryable: result.refusal.kind === 'unresolvable',
        error: `refused by the SSRF guard (${result.url}): ${result.refusal.message}`,
        durationMs,
      };
    case 'timeout':
      return { ok: false, retryable: true, error: `${result.phase} timeout`, durationMs };
    case 'network':
      return { ok: false, retryable: true, error: `network error: ${result.message}`, durationMs };
    default:
      return assertNever(result);
  }
}
