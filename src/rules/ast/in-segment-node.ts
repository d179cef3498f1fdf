import type { Spanned } from './span.js';

/** `in_segment("VIP")`: the profile is a member of another segment (by name) as of t. */
export interface InSegmentNode extends Spanned {
  readonly kind: 'in_segment';
  readonly segment: string;
}
