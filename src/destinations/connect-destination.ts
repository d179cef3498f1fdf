import type { Clock } from '../core/index.js';
import { assertNever } from '../core/index.js';
import type { Destination } from './destination.js';
import type { DestinationRecord } from './destination-record.js';
import type { GuardedPostLimits } from './guarded-post.js';
import { KlaviyoListSync } from './list-sync/klaviyo-list-sync.js';
import { ListSyncDestination } from './list-sync/list-sync-destination.js';
import type { ListSyncProvider } from './list-sync/list-sync-provider.js';
import { MailchimpListSync } from './list-sync/mailchimp-list-sync.js';
import { defaultJobPolling, type JobPolling } from './list-sync/poll-job.js';
import { SendGridListSync } from './list-sync/sendgrid-list-sync.js';
import type { SsrfGuard } from './ssrf-guard.js';
import { WebhookDestination } from './webhook-destination.js';

/** What building a destination's sender needs besides its record. */
export interface ConnectOptions {
  readonly guard: SsrfGuard;
  readonly clock: Clock;
  /** How ESP jobs are polled (default: every second on `clock`, up to five minutes). */
  readonly polling?: JobPolling;
  /** Default request limits; a destination's own `timeoutMs` overrides the total timeout. */
  readonly limits?: Partial<GuardedPostLimits>;
  /** Extra trusted CA certificates (PEM), e.g. `SEGFLOW_DESTINATION_CA`. */
  readonly ca?: string;
  /** Called when an ESP answers 429 (the worker counts the destination's rate-limit waits from outcomes). */
  readonly onRateLimited?: (destinationId: string) => void;
}

/**
 * The sender for a destination record, by kind: a {@link WebhookDestination} (signing with the previous secret
 * too while its grace period lasts) or a {@link ListSyncDestination} over the ESP's provider. Each destination
 * gets its own timeout budget (`config.timeoutMs`), so a slow one cannot hold requests to the others.
 */
export function connectDestination(d: DestinationRecord, options: ConnectOptions): Destination {
  const { guard, clock } = options;
  const limits: Partial<GuardedPostLimits> = {
    ...options.limits,
    ...(d.config.timeoutMs === undefined ? {} : { totalTimeoutMs: d.config.timeoutMs, connectTimeoutMs: Math.min(d.config.timeoutMs, 5_000) }),
  };
  if (d.kind === 'webhook') {
    return new WebhookDestination({
      url: d.url,
      secret: d.secret,
      ...(d.previousSecret !== null && d.previousSecretUntil !== null && clock.now() < d.previousSecretUntil ? { previousSecret: d.previousSecret } : {}),
      guard,
      clock,
      limits,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
  }
  const { provider, targetOf } = listSyncOf(d, options);
  return new ListSyncDestination({ provider, clock, targetOf, fields: d.config.fields ?? {} });
}

/** An ESP destination's provider and where each segment goes (its list, or its Mailchimp tag). */
export function listSyncOf(
  d: DestinationRecord,
  options: ConnectOptions,
): { provider: ListSyncProvider; targetOf: (segment: { readonly id: string; readonly name: string }) => string } {
  const { guard, clock } = options;
  const limits: Partial<GuardedPostLimits> = {
    ...options.limits,
    ...(d.config.timeoutMs === undefined ? {} : { totalTimeoutMs: d.config.timeoutMs, connectTimeoutMs: Math.min(d.config.timeoutMs, 5_000) }),
  };
  const common = { guard, clock, limits, baseUrl: d.url, ...(options.ca === undefined ? {} : { ca: options.ca }) };
  const polling = options.polling ?? defaultJobPolling(clock);
  const onRateLimited = (): void => options.onRateLimited?.(d.id);
  const mapped = (s: { id: string; name: string }, fallback: string): string => d.config.mapping?.[s.id] ?? fallback;
  switch (d.kind) {
    case 'webhook':
      throw new Error('a webhook destination has no list-sync provider');
    case 'sendgrid':
      return { provider: new SendGridListSync({ ...common, apiKey: d.secret, polling, onRateLimited }), targetOf: (s) => mapped(s, d.config.list ?? '') };
    case 'mailchimp':
      return {
        provider: new MailchimpListSync({
          ...common,
          apiKey: d.secret,
          audience: d.config.list ?? '',
          polling,
          onRateLimited,
          ...(d.config.statusIfNew ? { statusIfNew: d.config.statusIfNew } : {}),
        }),
        targetOf: (s) => mapped(s, s.name),
      };
    case 'klaviyo':
      return { provider: new KlaviyoListSync({ ...common, apiKey: d.secret, polling, onRateLimited }), targetOf: (s) => mapped(s, d.config.list ?? '') };
    default:
      return assertNever(d.kind);
  }
}

/** The key that says when a destination's sender must be rebuilt (its address, secrets, settings or grace period changed). */
export function senderKeyOf(d: DestinationRecord, now: number): string {
  const graceActive = d.previousSecretUntil !== null && now < d.previousSecretUntil;
  return JSON.stringify([d.kind, d.url, d.secret, graceActive ? d.previousSecret : null, d.config]);
}
