import type { EventSelector, Window } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import { countAtOrBefore, prepared, upTo } from './prepared-history.js';
import { windowBounds } from './window-bounds.js';

/** The events visible at t (time ≤ t; late-arriving and future-dated events alike), by time then id. */
export function visibleEvents(history: ProfileHistory, t: number): HistoryEvent[] {
  return [...upTo(prepared(history).events, t)];
}

/** The visible events a selector picks inside a window (or all visible ones without a window), by time then id. */
export function selectEvents(
  history: ProfileHistory,
  selector: EventSelector,
  window: Window | undefined,
  t: number,
): HistoryEvent[] {
  const bounds = windowBounds(window, t);
  const all = prepared(history).selected(selector);
  // The window is (after, upTo]: drop everything at or before `after`, keep everything at or before `upTo`
  // (never beyond t: what has not happened yet is invisible).
  return all.slice(countAtOrBefore(all, bounds.after), countAtOrBefore(all, Math.min(bounds.upTo, t)));
}
