import type { Condition, MetricNode, Window } from '../ast/index.js';
import { durationMs } from '../ast/index.js';
import { printCondition, printSelector } from '../printer/index.js';

/** The smallest count a `count(…) op n` comparison demands, or undefined for other comparisons. */
function countFloor(c: MetricNode): number | undefined {
  if (c.op === '>=') return Math.ceil(c.value.value);
  if (c.op === '>') return Math.floor(c.value.value) + 1;
  return undefined;
}

/** True when window `x` lies inside window `y` (no window: all history). Only `within` windows are compared. */
function windowInside(x: Window | undefined, y: Window | undefined): boolean {
  if (y === undefined) return true;
  if (x === undefined) return false;
  return x.kind === 'within' && y.kind === 'within' && durationMs(x.duration) <= durationMs(y.duration);
}

/**
 * True when `x` holding guarantees `y` holds, for the simple cases the linter reports: identical conditions,
 * the same event performed (or first performed) in a window inside another, `last_seen`/`first_seen` within
 * nested windows, and "at least n" counts of the same events in nested windows.
 */
export function implies(x: Condition, y: Condition): boolean {
  if (printCondition(x) === printCondition(y)) return true;
  if ((x.kind === 'performed' || x.kind === 'first_performed') && y.kind === x.kind) {
    return printSelector(x.event) === printSelector(y.event) && windowInside(x.window, y.window);
  }
  if (x.kind === 'seen' && y.kind === 'seen' && x.which === y.which) {
    if (x.window.kind === 'within' && y.window.kind === 'within') return windowInside(x.window, y.window);
    if (x.window.kind === 'before' && y.window.kind === 'before') return durationMs(x.window.duration) >= durationMs(y.window.duration);
    return false;
  }
  if (x.kind === 'metric' && y.kind === 'metric' && x.metric.kind === 'count' && y.metric.kind === 'count') {
    const fx = countFloor(x);
    const fy = countFloor(y);
    return (
      fx !== undefined &&
      fy !== undefined &&
      fx >= fy &&
      printSelector(x.metric.event) === printSelector(y.metric.event) &&
      windowInside(x.metric.window, y.metric.window)
    );
  }
  return false;
}
