import { durationMs } from '../ast/index.js';
import type { SequenceNode } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import { getPath } from './get-path.js';
import { matchesSelector } from './matches-selector.js';
import { visibleEvents } from './visible-events.js';

/** One first-step event of a sequence with its deadline (first event time + D) and, when keyed, its key. */
export interface SequenceStep {
  readonly first: HistoryEvent;
  readonly deadline: number;
  readonly key?: string | number | boolean;
  /** Positive sequences: the second event that completed the pair. */
  readonly then?: HistoryEvent;
}

/**
 * A sequence as of t.
 * - Negated (`A then not B within D [by k]`): `matches` are the A events whose deadline has passed (a + D ≤ t)
 *   with no B after them (time strictly greater than a, up to t; same key when keyed); the condition holds iff
 *   there is one. `pending` are A events with no B yet whose deadline is still ahead.
 * - Positive (`A then B within D [by k]`): `matches` are the completed pairs, an A at a and a B at b with
 *   a < b ≤ a + D and b ≤ t; the condition holds iff there is one. `pending` lists A events still inside their
 *   D with no B yet.
 * With `by`, an event whose key is missing or not a string / number / boolean never takes part, and keys
 * compare strictly (`1` ≠ `"1"`).
 */
export interface SequenceReading {
  readonly holds: boolean;
  readonly matches: readonly SequenceStep[];
  readonly pending: readonly SequenceStep[];
}

/** Reads a sequence condition as of t (see {@link SequenceReading}). */
export function sequenceReadingAt(node: SequenceNode, history: ProfileHistory, t: number): SequenceReading {
  const d = durationMs(node.within);
  const events = visibleEvents(history, t);
  const keyOf = (event: HistoryEvent): string | number | boolean | undefined =>
    node.by === undefined ? undefined : sequenceKey(getPath(event.properties, node.by));
  const seconds = events.filter((event) => matchesSelector(node.then, event));
  const matches: SequenceStep[] = [];
  const pending: SequenceStep[] = [];
  for (const first of events) {
    if (!matchesSelector(node.first, first)) continue;
    const key = keyOf(first);
    if (node.by !== undefined && key === undefined) continue;
    const deadline = first.time + d;
    const step: SequenceStep = key === undefined ? { first, deadline } : { first, deadline, key };
    const after = seconds.filter((second) => second.time > first.time && (node.by === undefined || keyOf(second) === key));
    if (node.negated) {
      if (after.length > 0) continue;
      if (deadline <= t) matches.push(step);
      else pending.push(step);
    } else {
      const then = after.find((second) => second.time <= deadline);
      if (then !== undefined) matches.push({ ...step, then });
      else if (deadline > t) pending.push(step);
    }
  }
  return { holds: matches.length > 0, matches, pending };
}

function sequenceKey(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
