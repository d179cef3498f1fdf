import type { Spanned } from './span.js';

/**
 * `consent("marketing")`: the person has granted this consent category as of t (Segment's consent spec:
 * `context.consent.categoryPreferences` on any call; names compared case-insensitively; a category never
 * mentioned is not granted, and a refusal in the same update wins over a grant).
 */
export interface ConsentNode extends Spanned {
  readonly kind: 'consent';
  /** The category as written; compared lower-cased. */
  readonly category: string;
}
