import type { EventSelector } from './event-selector.js';
import type { Spanned } from './span.js';
import type { Window } from './window.js';

/** At least one selected event in the window (ever, without one): `performed("Email Opened", within 7d)`. */
export interface PerformedNode extends Spanned {
  readonly kind: 'performed';
  readonly event: EventSelector;
  readonly window?: Window;
}
