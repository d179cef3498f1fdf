import type { Spanned } from './span.js';

/**
 * `subscribed`: the profile's email subscription state is subscribed as of t.
 * `email_eligible`: it may be emailed now (has an email, subscribed, not bounced, not complained, consented).
 */
export interface SubscriptionNode extends Spanned {
  readonly kind: 'subscription';
  readonly state: 'subscribed' | 'email_eligible';
}
