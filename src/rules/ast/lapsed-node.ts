import type { Duration } from './duration.js';
import type { EventSelector } from './event-selector.js';
import type { Spanned } from './span.js';

/** Performed at least once, but not within the duration: `lapsed("Order Completed", 90d)`. */
export interface LapsedNode extends Spanned {
  readonly kind: 'lapsed';
  readonly event: EventSelector;
  readonly duration: Duration;
}
