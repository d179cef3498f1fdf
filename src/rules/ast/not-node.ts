import type { Condition } from './condition.js';
import type { Spanned } from './span.js';

/** The condition does not hold: `not performed("Order Completed", within 30d)`. */
export interface NotNode extends Spanned {
  readonly kind: 'not';
  readonly condition: Condition;
}
