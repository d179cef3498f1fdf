import type { EventSelector, HistoryEvent, Window } from '../../rules/index.js';
import { matchesFilter, windowBounds } from '../rules-api.js';
import type { EvalContext } from './eval-context.js';
import { EventColumn } from './event-column.js';

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

/** Index of the first value > x in an ascending list of times. */
export function firstGreater(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > x) hi = mid;
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

/** A column of whether each kept event of the selector's name matches its filter (undefined without a filter). */
function filterColumn(selector: EventSelector): EventColumn<boolean> | undefined {
  const where = selector.where;
  return where === undefined ? undefined : new EventColumn<boolean>(selector.name, (e) => matchesFilter(where, e.properties));
}

/** The first event of the time-ordered `list`, from index `from` on and no later than `upTo`, that the filter column `ok` accepts (all when absent). */
function firstAccepted(
  list: readonly HistoryEvent[],
  ok: readonly boolean[] | undefined,
  from: number,
  upTo: number,
): HistoryEvent | undefined {
  for (let i = from; i < list.length; i++) {
    const e = list[i] as HistoryEvent;
    if (e.time > upTo) return undefined;
    if (ok === undefined || ok[i] === true) return e;
  }
  return undefined;
}

/** Whether any selected event lies in the window at t (stops at the first match). */
export function compileExists(selector: EventSelector, window: Window | undefined): (cx: EvalContext, t: number) => boolean {
  const { name } = selector;
  const matches = filterColumn(selector);
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return false;
    const { after, upTo } = windowBounds(window, t);
    return firstAccepted(list, matches?.of(cx.state), firstAfter(list, after), upTo) !== undefined;
  };
}

/** The earliest selected event at or before t (the first a picker without a window would return), if any. */
export function compileFirstAtOrBefore(selector: EventSelector): (cx: EvalContext, t: number) => HistoryEvent | undefined {
  const { name } = selector;
  const matches = filterColumn(selector);
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return undefined;
    return firstAccepted(list, matches?.of(cx.state), 0, t);
  };
}

/** The latest selected event at or before t (the last a picker without a window would return), if any. */
export function compileLatestAtOrBefore(selector: EventSelector): (cx: EvalContext, t: number) => HistoryEvent | undefined {
  const { name } = selector;
  const matches = filterColumn(selector);
  return (cx, t) => {
    const list = cx.state.events.get(name);
    if (list === undefined) return undefined;
    const ok = matches?.of(cx.state);
    for (let i = firstAfter(list, t) - 1; i >= 0; i--) {
      if (ok === undefined || ok[i] === true) return list[i] as HistoryEvent;
    }
    return undefined;
  };
}
