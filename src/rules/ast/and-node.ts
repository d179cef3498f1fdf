import type { Condition } from './condition.js';
import type { Spanned } from './span.js';

/** All conditions hold. Unparenthesised chains `a and b and c` are one node with three conditions. */
export interface AndNode extends Spanned {
  readonly kind: 'and';
  readonly conditions: readonly Condition[];
}
