/**
 * The timed updates visible at t (time ≤ t), in the order they apply: by time, ties by position in the array
 * (a later entry wins). Shared by traits, subscription, consent and scores so they all break ties the same way.
 */
export function updatesAsOf<U extends { readonly time: number }>(updates: readonly U[] | undefined, t: number): U[] {
  if (updates === undefined) return [];
  return updates
    .map((update, index) => ({ update, index }))
    .filter(({ update }) => update.time <= t)
    .sort((a, b) => a.update.time - b.update.time || a.index - b.index)
    .map(({ update }) => update);
}
