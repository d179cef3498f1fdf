import type { ProfileHistory } from '../history.js';
import { prepared, upTo } from './prepared-history.js';

/**
 * Consent category preferences as of t, merged like traits: later updates overwrite per category; categories
 * never mentioned stay absent (unknown). Category names are compared case-insensitively, so keys are lower-cased;
 * if one update names the same category twice in different cases with different answers, `false` wins.
 */
export function consentAt(history: ProfileHistory, t: number): ReadonlyMap<string, boolean> {
  const merged = new Map<string, boolean>();
  for (const update of upTo(prepared(history).consent, t)) {
    const inThisUpdate = new Map<string, boolean>();
    for (const [category, granted] of Object.entries(update.categories)) {
      if (typeof granted !== 'boolean') continue;
      const key = category.toLowerCase();
      inThisUpdate.set(key, (inThisUpdate.get(key) ?? true) && granted);
    }
    for (const [key, granted] of inThisUpdate) merged.set(key, granted);
  }
  return merged;
}
