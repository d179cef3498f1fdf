import type { ProfileHistory } from '../history.js';
import { consentAt } from './consent-at.js';

/** `consent("category")` as of t: granted (`true`) in the merged preferences; never mentioned is not granted. */
export function consentGrantedAt(history: ProfileHistory, t: number, category: string): boolean {
  return consentAt(history, t).get(category.toLowerCase()) === true;
}
