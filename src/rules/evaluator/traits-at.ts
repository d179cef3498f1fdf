import type { ProfileHistory } from '../history.js';
import { prepared, upTo } from './prepared-history.js';

/**
 * The profile's traits as of t: every trait update with time ≤ t, applied in time order (ties by array order),
 * each overwriting top-level keys (a nested object is replaced whole, never deep-merged). A key set to `null`
 * removes the trait; a key set to `undefined` (impossible in JSON) is ignored.
 * The result has no prototype, so a trait named `__proto__` or `constructor` is an ordinary key.
 */
export function traitsAt(history: ProfileHistory, t: number): Readonly<Record<string, unknown>> {
  const traits = Object.create(null) as Record<string, unknown>;
  for (const update of upTo(prepared(history).traits, t)) {
    for (const [key, value] of Object.entries(update.traits)) {
      if (value === null) delete traits[key];
      else if (value !== undefined) traits[key] = value;
    }
  }
  return traits;
}
