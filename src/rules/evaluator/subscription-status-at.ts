import type { ProfileHistory, SubscriptionStatus } from '../history.js';
import { prepared, upTo } from './prepared-history.js';

/** The latest email subscription status as of t (ties by array order), or `undefined` when unknown. */
export function subscriptionStatusAt(history: ProfileHistory, t: number): SubscriptionStatus | undefined {
  return upTo(prepared(history).subscription, t).at(-1)?.status;
}
