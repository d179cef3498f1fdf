import { assertNever } from '../../core/index.js';
import { durationMs } from '../ast/index.js';
import type { Window } from '../ast/index.js';

/**
 * The instants a window covers at evaluation instant t, always a half-open interval `(after, upTo]`:
 * - no window: (−∞, t]  (everything visible)
 * - `within D`: (t − D, t]
 * - `before D ago`: (−∞, t − D]
 * - `between A ago and B ago`: (t − A, t − B]  (empty when A ≤ B)
 * `after` is `-Infinity` when the interval has no lower edge.
 */
export interface WindowBounds {
  readonly after: number;
  readonly upTo: number;
}

/** Computes {@link WindowBounds} for a window (or for no window) at instant t. */
export function windowBounds(window: Window | undefined, t: number): WindowBounds {
  if (window === undefined) return { after: -Infinity, upTo: t };
  switch (window.kind) {
    case 'within':
      return { after: t - durationMs(window.duration), upTo: t };
    case 'before':
      return { after: -Infinity, upTo: t - durationMs(window.duration) };
    case 'between':
      return { after: t - durationMs(window.from), upTo: t - durationMs(window.to) };
    default:
      return assertNever(window);
  }
}

/** Whether an instant lies in the bounds: `after < time ≤ upTo`. */
export function inBounds(bounds: WindowBounds, time: number): boolean {
  return time > bounds.after && time <= bounds.upTo;
}
