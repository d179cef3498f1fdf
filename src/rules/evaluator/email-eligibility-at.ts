import type { ProfileHistory, SubscriptionStatus } from '../history.js';
import { consentAt } from './consent-at.js';
import { prepared } from './prepared-history.js';
import { subscriptionStatusAt } from './subscription-status-at.js';
import { traitsAt } from './traits-at.js';

/** Why a profile may or may not be emailed as of t: the inputs of `email_eligible`, JSON-serialisable. */
export interface EmailEligibility {
  readonly eligible: boolean;
  /** The `email` trait as of t, when it is a string. */
  readonly email?: string;
  /** The subscription status as of t; absent means unknown. */
  readonly status?: SubscriptionStatus;
  /** The consent categories (`email`, `marketing`) whose latest answer is `false`. */
  readonly consentRefused: readonly string[];
}

const BLOCKING: ReadonlySet<SubscriptionStatus> = new Set(['unsubscribed', 'hard_bounced', 'complained']);
const CONSENT_CATEGORIES = ['email', 'marketing'] as const;

/**
 * `email_eligible` as of t: the `email` trait is a string with at least one non-space character, the
 * subscription status is not unsubscribed / hard_bounced / complained (unknown counts as eligible), and the
 * latest consent answer for neither `email` nor `marketing` (case-insensitive) is `false`.
 * Keep in step with `isEmailEligible` (src/destinations/email-eligibility.ts), the same test over a current profile.
 */
export function emailEligibilityAt(history: ProfileHistory, t: number): EmailEligibility {
  const h = prepared(history);
  const email = traitsAt(h, t)['email'];
  const status = subscriptionStatusAt(h, t);
  const consent = consentAt(h, t);
  const consentRefused = CONSENT_CATEGORIES.filter((category) => consent.get(category) === false);
  const hasEmail = typeof email === 'string' && email.trim() !== '';
  const eligible = hasEmail && (status === undefined || !BLOCKING.has(status)) && consentRefused.length === 0;
  return {
    eligible,
    ...(typeof email === 'string' ? { email } : {}),
    ...(status !== undefined ? { status } : {}),
    consentRefused,
  };
}
