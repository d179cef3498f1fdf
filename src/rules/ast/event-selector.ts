import type { Filter } from './filter.js';
import type { Spanned } from './span.js';

/** Which events count: a `track` event name and an optional `where` filter on its properties. */
export interface EventSelector extends Spanned {
  readonly kind: 'event';
  readonly name: string;
  readonly where?: Filter;
}

/** A numeric property of selected events: `"Order Completed".revenue` (with an optional filter). */
export interface EventProperty extends Spanned {
  readonly kind: 'event_property';
  readonly event: EventSelector;
  readonly path: readonly string[];
}
