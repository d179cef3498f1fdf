import type { EventSelector, HistoryEvent, Window } from '../../rules/index.js';
import { matchesFilter, windowBounds } from '../rules-api.js';
import type { EvalContext } from './eval-context.js';

/** Picks, for instant t, the kept events a selector selects inside a window (by time then id). */
export type EventPicker = (cx: EvalContext, t: number) => HistoryEvent[];

/**
 * Compiles a selector and window into a picker: a binary search for the window's lower edge in the name's sorted
 * list, then a scan up to the upper edge testing the `where` filter (the reference's `matchesFilter`).
 */
export function compilePicker(selector: EventSelector, window: Window | undefined): EventPicker {
  const { name, where } = selector;
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return [];
    const { after, upTo } = windowBounds(window, t);
    const out: HistoryEvent[] = [];
    for (let i = firstAfter(list, after); i < list.length; i++) {
      const e = list[i] as HistoryEvent;
      if (e.time > upTo) break;
      if (where === undefined || matchesFilter(where, e.properties)) out.push(e);
    }
    return out;
  };
}

/** Index of the first event with time > after. */
export function firstAfter(list: readonly HistoryEvent[], after: number): number {
  if (after === -Infinity) return 0;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as HistoryEvent).time > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
