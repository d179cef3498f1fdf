import type { ProfileHistory } from '../history.js';
import { prepared, upTo } from './prepared-history.js';

/**
 * The latest value of a named score as of t (ties by array order). `undefined` when the profile has never been
 * scored by that name, or when the latest value is not a finite number.
 */
export function scoreAt(history: ProfileHistory, name: string, t: number): number | undefined {
  const latest = upTo(prepared(history).scores, t)
    .filter((update) => update.name === name)
    .at(-1);
  return latest !== undefined && Number.isFinite(latest.value) ? latest.value : undefined;
}
