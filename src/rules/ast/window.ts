import type { Duration } from './duration.js';
import type { Spanned } from './span.js';

/**
 * A time window relative to the evaluation instant t.
 * - `within D`        : the half-open interval (t − D, t]
 * - `before D ago`    : (−∞, t − D]        ("more than D ago")
 * - `between A ago and B ago` (A > B): (t − A, t − B]
 */
export type Window = WithinWindow | BeforeWindow | BetweenWindow;

/** `within 7d`. */
export interface WithinWindow extends Spanned {
  readonly kind: 'within';
  readonly duration: Duration;
}

/** `before 30d ago`. */
export interface BeforeWindow extends Spanned {
  readonly kind: 'before';
  readonly duration: Duration;
}

/** `between 30d ago and 7d ago`: `from` is the older edge, `to` the newer one. */
export interface BetweenWindow extends Spanned {
  readonly kind: 'between';
  readonly from: Duration;
  readonly to: Duration;
}
