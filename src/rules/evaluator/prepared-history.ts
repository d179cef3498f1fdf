import type { EventSelector } from '../ast/index.js';
import type {
  ConsentUpdate,
  HistoryEvent,
  ProfileHistory,
  ScoreUpdate,
  SubscriptionUpdate,
  TraitUpdate,
} from '../history.js';
import { matchesSelector } from './matches-selector.js';

/**
 * A profile history sorted once, so that evaluating it at many instants (as `nextChange` and `explain` do) does not
 * re-sort and re-filter everything each time. Events are ordered by (time, id); updates by time, ties in stored
 * order. Built per call from a `ProfileHistory` and never cached across calls, so a caller that mutates its arrays
 * between calls is never served stale data.
 */
export class PreparedHistory implements ProfileHistory {
  readonly #source: ProfileHistory;
  #events: readonly HistoryEvent[] | undefined;
  #traits: readonly TraitUpdate[] | undefined;
  #subscription: readonly SubscriptionUpdate[] | undefined;
  #consent: readonly ConsentUpdate[] | undefined;
  #scores: readonly ScoreUpdate[] | undefined;
  readonly #selected = new Map<EventSelector, readonly HistoryEvent[]>();

  constructor(source: ProfileHistory) {
    this.#source = source;
  }

  /** The profile's id, when the history knows it (what `in_experiment_arm` hashes). */
  get profileId(): string | undefined {
    return this.#source.profileId;
  }

  /** Events by time then id (sorted on first use). */
  get events(): readonly HistoryEvent[] {
    return (this.#events ??= [...this.#source.events].sort(compareEvents));
  }

  /** Trait updates in the order they apply. */
  get traits(): readonly TraitUpdate[] {
    return (this.#traits ??= inTimeOrder(this.#source.traits));
  }

  /** Subscription updates in the order they apply. */
  get subscription(): readonly SubscriptionUpdate[] {
    return (this.#subscription ??= inTimeOrder(this.#source.subscription ?? []));
  }

  /** Consent updates in the order they apply. */
  get consent(): readonly ConsentUpdate[] {
    return (this.#consent ??= inTimeOrder(this.#source.consent ?? []));
  }

  /** Score updates in the order they apply. */
  get scores(): readonly ScoreUpdate[] {
    return (this.#scores ??= inTimeOrder(this.#source.scores ?? []));
  }

  /** Every stored event the selector picks (future-dated ones too), by time then id. */
  selected(selector: EventSelector): readonly HistoryEvent[] {
    let events = this.#selected.get(selector);
    if (events === undefined) {
      events = this.events.filter((event) => matchesSelector(selector, event));
      this.#selected.set(selector, events);
    }
    return events;
  }
}

/** Prepares a history, or returns it unchanged when it already is prepared. */
export function prepared(history: ProfileHistory): PreparedHistory {
  return history instanceof PreparedHistory ? history : new PreparedHistory(history);
}

/** Orders events by time, ties by id (code-unit order): the one order every evaluator uses. */
export function compareEvents(a: HistoryEvent, b: HistoryEvent): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The prefix of a time-sorted list with time ≤ t (binary search). */
export function upTo<T extends { readonly time: number }>(sorted: readonly T[], t: number): readonly T[] {
  return sorted.slice(0, countAtOrBefore(sorted, t));
}

/** The number of items of a time-sorted list with time ≤ t. */
export function countAtOrBefore(sorted: readonly { readonly time: number }[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid]?.time ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Updates in the order they apply: by time, ties by position in the array (a later entry wins). */
export function inTimeOrder<U extends { readonly time: number }>(updates: readonly U[]): readonly U[] {
  return updates
    .map((update, index) => ({ update, index }))
    .sort((a, b) => a.update.time - b.update.time || a.index - b.index)
    .map(({ update }) => update);
}
