import type { Duration } from './duration.js';
import type { EventSelector } from './event-selector.js';
import type { Spanned } from './span.js';

/**
 * `"Product Added" then not "Order Completed" within 3d [by product_id]` (negated) or
 * `"Product Added" then "Order Completed" within 1h` (positive).
 * `by` keys the sequence on a property path: both events must carry the same value there.
 */
export interface SequenceNode extends Spanned {
  readonly kind: 'sequence';
  readonly first: EventSelector;
  readonly then: EventSelector;
  readonly negated: boolean;
  readonly within: Duration;
  readonly by?: readonly string[];
}
