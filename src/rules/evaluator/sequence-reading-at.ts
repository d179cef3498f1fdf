import { durationMs } from '../ast/index.js';
import type { SequenceNode } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import { getPath } from './get-path.js';
import { countAtOrBefore, prepared, upTo } from './prepared-history.js';

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
  const h = prepared(history);
  const d = durationMs(node.within);
  const keyOf = (event: HistoryEvent): Key | undefined =>
    node.by === undefined ? UNKEYED : sequenceKey(getPath(event.properties, node.by));
  // The visible second steps grouped by key, each group in time order.
  const secondsByKey = new Map<Key, HistoryEvent[]>();
  for (const second of upTo(h.selected(node.then), t)) {
    const key = keyOf(second);
    if (key === undefined) continue;
    const group = secondsByKey.get(key);
    if (group === undefined) secondsByKey.set(key, [second]);
    else group.push(second);
  }
  const matches: SequenceStep[] = [];
  const pending: SequenceStep[] = [];
  for (const first of upTo(h.selected(node.first), t)) {
    const key = keyOf(first);
    if (key === undefined) continue;
    const deadline = first.time + d;
    const step: SequenceStep = key === UNKEYED ? { first, deadline } : { first, deadline, key };
    // The earliest second step strictly after the first one (all of them are ≤ t).
    const group = secondsByKey.get(key) ?? [];
    const next = group[countAtOrBefore(group, first.time)];
    if (node.negated) {
      if (next !== undefined) continue;
      if (deadline <= t) matches.push(step);
      else pending.push(step);
    } else if (next !== undefined && next.time <= deadline) {
      matches.push({ ...step, then: next });
    } else if (deadline > t) {
      pending.push(step);
    }
  }
  return { holds: matches.length > 0, matches, pending };
}

type Key = string | number | boolean | typeof UNKEYED;

/** The single key of an unkeyed sequence: every event shares it. */
const UNKEYED: unique symbol = Symbol('unkeyed');

function sequenceKey(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
