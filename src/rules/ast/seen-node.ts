import type { Spanned } from './span.js';
import type { Window } from './window.js';

/** `last_seen within 7d`, `first_seen before 30d ago`: the profile's first or latest event time in a window. */
export interface SeenNode extends Spanned {
  readonly kind: 'seen';
  readonly which: 'first' | 'last';
  readonly window: Window;
}
