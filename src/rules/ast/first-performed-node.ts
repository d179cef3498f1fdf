import type { EventSelector } from './event-selector.js';
import type { Spanned } from './span.js';
import type { Window } from './window.js';

/** The profile's first-ever selected event lies in the window: `first_performed("Order Completed", within 7d)`. */
export interface FirstPerformedNode extends Spanned {
  readonly kind: 'first_performed';
  readonly event: EventSelector;
  readonly window?: Window;
}
