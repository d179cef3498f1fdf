import type { EventSelector, HistoryEvent, Window } from '../../rules/index.js';
import { matchesFilter, windowBounds } from '../rules-api.js';
import type { EvalContext } from './eval-context.js';
import { EventColumn } from './event-column.js';

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

/** Index of the first event with time ≥ x. */
export function firstAtOrAfter(list: readonly HistoryEvent[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as HistoryEvent).time >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Counts the selected events in the window at t: two binary searches without a filter, a bounded scan with one. */
export function compileCounter(selector: EventSelector, window: Window | undefined): (cx: EvalContext, t: number) => number {
  const { name, where } = selector;
  // A numeric column of 1 for a matching event (undefined otherwise): its prefix counts count the window.
  const matches =
    where === undefined ? undefined : new EventColumn<number | undefined>(name, (e) => (matchesFilter(where, e.properties) ? 1 : undefined), 'numeric');
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return 0;
    const { after, upTo } = windowBounds(window, t);
    const from = firstAfter(list, after);
    const to = firstAfter(list, upTo);
    if (matches === undefined) return Math.max(0, to - from);
    return from >= to ? 0 : matches.countDefined(cx.state, from, to);
  };
}

/** Whether any selected event lies in the window at t (stops at the first match). */
export function compileExists(selector: EventSelector, window: Window | undefined): (cx: EvalContext, t: number) => boolean {
  const { name, where } = selector;
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return false;
    const { after, upTo } = windowBounds(window, t);
    for (let i = firstAfter(list, after); i < list.length; i++) {
      const e = list[i] as HistoryEvent;
      if (e.time > upTo) return false;
      if (where === undefined || matchesFilter(where, e.properties)) return true;
    }
    return false;
  };
}
