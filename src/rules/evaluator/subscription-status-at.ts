import type { ProfileHistory, SubscriptionStatus } from '../history.js';
import { updatesAsOf } from './updates-as-of.js';

/** The latest email subscription status as of t (ties by array order), or `undefined` when unknown. */
export function subscriptionStatusAt(history: ProfileHistory, t: number): SubscriptionStatus | undefined {
  return updatesAsOf(history.subscription, t).at(-1)?.status;
}
