import type { EventSelector, Window } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import { matchesSelector } from './matches-selector.js';
import { inBounds, windowBounds } from './window-bounds.js';

/** Orders events by time, ties by id (code-unit order): the one order every evaluator uses. */
export function compareEvents(a: HistoryEvent, b: HistoryEvent): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The events visible at t (time ≤ t; late-arriving and future-dated events alike), by time then id. */
export function visibleEvents(history: ProfileHistory, t: number): HistoryEvent[] {
  return history.events.filter((event) => event.time <= t).sort(compareEvents);
}

/** The visible events a selector picks inside a window (or all visible ones without a window), by time then id. */
export function selectEvents(
  history: ProfileHistory,
  selector: EventSelector,
  window: Window | undefined,
  t: number,
): HistoryEvent[] {
  const bounds = windowBounds(window, t);
  return visibleEvents(history, t).filter((event) => inBounds(bounds, event.time) && matchesSelector(selector, event));
}
