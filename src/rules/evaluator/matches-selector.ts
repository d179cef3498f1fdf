import { assertNever } from '../../core/index.js';
import type { EventSelector, Filter } from '../ast/index.js';
import type { HistoryEvent } from '../history.js';
import { getPath } from './get-path.js';
import { testValue } from './test-value.js';

/**
 * Whether an event is selected: its name equals the selector's exactly (case-sensitive) and the `where` filter,
 * if any, holds on its properties. Time is not considered here (see `windowBounds`).
 */
export function matchesSelector(selector: EventSelector, event: HistoryEvent): boolean {
  if (event.name !== selector.name) return false;
  return selector.where === undefined || matchesFilter(selector.where, event.properties);
}

/**
 * Evaluates a `where` filter on an event's properties. Paths are read with `getPath` (relative to `properties`)
 * and tested with `testValue`, so a missing property fails every test but `is missing`; `filter_not` is plain
 * boolean negation (`not (coupon = "X")` holds for an event without a coupon).
 */
export function matchesFilter(filter: Filter, properties: Readonly<Record<string, unknown>>): boolean {
  switch (filter.kind) {
    case 'filter_and':
      return filter.filters.every((f) => matchesFilter(f, properties));
    case 'filter_or':
      return filter.filters.some((f) => matchesFilter(f, properties));
    case 'filter_not':
      return !matchesFilter(filter.filter, properties);
    case 'property':
      return testValue(filter.test, getPath(properties, filter.path));
    default:
      return assertNever(filter);
  }
}
