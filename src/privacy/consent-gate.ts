import type { Profile } from '../core/index.js';

/**
 * Whether a person may be sent to a destination that needs `categories`: every category must be granted
 * (`true`) in their consent preferences, compared case-insensitively (Segment's consent spec:
 * `context.consent.categoryPreferences`, on any call). A category never mentioned counts as not granted, so a
 * destination that declares categories receives only people who opted in; one that declares none receives
 * everyone (email destinations still apply email eligibility). A profile that no longer exists has no consent.
 */
export function hasConsent(profile: Pick<Profile, 'subscription'> | undefined, categories: readonly string[] | undefined): boolean {
  if (categories === undefined || categories.length === 0) return true;
  if (profile === undefined) return false;
  const granted = new Map<string, boolean>();
  for (const [k, v] of Object.entries(profile.subscription.consent)) {
    const key = k.toLowerCase();
    // The same category twice in different cases with different answers: refusal wins (as the rules read it).
    granted.set(key, (granted.get(key) ?? true) && v === true);
  }
  return categories.every((c) => granted.get(c.toLowerCase()) === true);
}
