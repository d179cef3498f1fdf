import { inTimeOrder, upTo } from './prepared-history.js';

/**
 * The timed updates visible at t (time ≤ t), in the order they apply: by time, ties by position in the array
 * (a later entry wins). Traits, subscription, consent and scores all break ties this way.
 */
export function updatesAsOf<U extends { readonly time: number }>(updates: readonly U[] | undefined, t: number): U[] {
  return [...upTo(inTimeOrder(updates ?? []), t)];
}
