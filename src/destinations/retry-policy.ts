/** How the delivery worker retries and when it gives up on a delivery or a destination. */
export interface RetryPolicy {
  /** Backoff before the 2nd attempt is drawn from [0, baseDelayMs]; it doubles per attempt. */
  readonly baseDelayMs: number;
  /** Cap on one backoff (and on a receiver's Retry-After). */
  readonly maxDelayMs: number;
  /** Attempts before a delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** Age (from creation or replay) after which a failing delivery is dead-lettered. */
  readonly maxAgeMs: number;
  /** Consecutive dead letters that disable a destination. */
  readonly disableAfterDeadLetters: number;
  /** A destination failing without a single success for this long is disabled. */
  readonly disableAfterFailingMs: number;
}

/** 1 s doubling to a 1 h cap, 15 attempts or 24 h; disable after 5 dead letters in a row or 72 h of failure. */
export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 15,
  maxAgeMs: 24 * 60 * 60_000,
  disableAfterDeadLetters: 5,
  disableAfterFailingMs: 72 * 60 * 60_000,
};

/**
 * The wait before the next attempt after `attempts` failed ones: exponential backoff with full jitter
 * (uniform in [0, min(cap, base·2^(attempts−1))], so a fleet of failing deliveries does not retry in lock
 * step), but never sooner than the receiver's `Retry-After` (itself capped at `maxDelayMs`).
 */
export function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
}
