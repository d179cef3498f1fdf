import type { Condition } from './condition.js';
import type { Spanned } from './span.js';

/** At least one condition holds. Unparenthesised chains are one node. */
export interface OrNode extends Spanned {
  readonly kind: 'or';
  readonly conditions: readonly Condition[];
}
