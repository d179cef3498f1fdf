import type { Profile, SubscriptionState } from '../core/index.js';

const BLOCKING: ReadonlySet<SubscriptionState> = new Set(['unsubscribed', 'hard_bounced', 'complained']);

/**
 * Whether a person may be emailed now — the same definition as the rule language's `email_eligible`: an
 * `email` trait with a non-blank string, a subscription state other than unsubscribed / hard_bounced /
 * complained, and no consent category `email` or `marketing` (case-insensitive) set to false.
 * Keep in step with `emailEligibilityAt` (src/rules/evaluator/email-eligibility-at.ts), the same test over a history as of t.
 */
export function isEmailEligible(profile: Profile | undefined): boolean {
  if (!profile) return false;
  const email = profile.traits['email'];
  if (typeof email !== 'string' || email.trim() === '') return false;
  if (BLOCKING.has(profile.subscription.state)) return false;
  for (const [category, allowed] of Object.entries(profile.subscription.consent)) {
    const c = category.toLowerCase();
    if ((c === 'email' || c === 'marketing') && allowed === false) return false;
  }
  return true;
}
