import { durationMs } from '../../rules/index.js';
import type { HistoryEvent, SequenceNode } from '../../rules/index.js';
import type { Filter } from '../../rules/index.js';
import { getPath, matchesFilter } from '../rules-api.js';
import { EventColumn } from './event-column.js';
import { firstAfter, firstAtOrAfter } from './select-events.js';
import type { CompiledCondition } from './compiled-rule.js';

type Key = string | number | boolean;

/**
 * Compiles `A then [not] B within D [by k]` with the reference semantics (`sequenceReadingAt`): negated holds
 * when some visible A has no B strictly after it (same key) and its deadline a + D ≤ t; positive holds when some
 * A is followed by a B with a < b ≤ a + D (b ≤ t). Filters and keys are per-event columns; second events are
 * grouped by key once per evaluation (negated: only the latest per key), so the work is O(n log n) instead of the
 * reference's O(n²).
 */
export function compileSequence(node: SequenceNode): CompiledCondition {
  const d = durationMs(node.within);
  const by = node.by;
  const { first, then } = node;
  // Each kept event's key if its selector's filter matches it (undefined when it does not, or has no usable key),
  // computed once per event instead of at every evaluation and every next-change candidate.
  const keyColumn = (selector: SequenceNode['first']): EventColumn<Key | undefined> =>
    new EventColumn<Key | undefined>(selector.name, (e) =>
      selector.where !== undefined && !matchesFilter(selector.where, e.properties) ? undefined : by === undefined ? true : sequenceKey(getPath(e.properties, by)),
    );
  const firstKeys = keyColumn(first);
  const thenKeys = keyColumn(then);
  const evaluate: CompiledCondition = (cx, t) => {
    const firsts = cx.state.events.get(first.name);
    if (firsts === undefined) return false;
    const aKeys = firstKeys.of(cx.state);
    const thens = cx.state.events.get(then.name);
    const bKeys = thens === undefined ? [] : thenKeys.of(cx.state);
    const nB = thens === undefined ? 0 : firstAfter(thens, t);
    if (node.negated) {
      // The latest visible B of each key: an A of that key has no B strictly after it iff lastB ≤ a.
      const lastB = new Map<Key, number>();
      for (let i = 0; i < nB; i++) {
        const k = bKeys[i];
        if (k !== undefined) lastB.set(k, (thens as HistoryEvent[])[i]?.time as number);
      }
      for (let i = 0; i < firsts.length; i++) {
        const a = (firsts[i] as HistoryEvent).time;
        if (a + d > t || a > t) break;
        const k = aKeys[i];
        if (k === undefined) continue;
        const b = lastB.get(k);
        if (b === undefined || b <= a) return true;
      }
      return false;
    }
    const thenTimes = new Map<Key, number[]>();
    for (let i = 0; i < nB; i++) {
      const k = bKeys[i];
      if (k === undefined) continue;
      let times = thenTimes.get(k);
      if (!times) thenTimes.set(k, (times = []));
      times.push((thens as HistoryEvent[])[i]?.time as number);
    }
    const nA = firstAfter(firsts, t);
    for (let i = 0; i < nA; i++) {
      const k = aKeys[i];
      if (k === undefined) continue;
      const times = thenTimes.get(k);
      if (times === undefined) continue;
      const a = (firsts[i] as HistoryEvent).time;
      const j = firstGreater(times, a);
      if (j < times.length && (times[j] as number) <= a + d) return true;
    }
    return false;
  };
  if (node.negated) return by === undefined ? compileUnkeyedNegated(node, d) : evaluate;
  // A completed positive pair (a < b ≤ a + D, b ≤ t) stays completed at every later instant: remember it.
  const memoKey = {};
  return (cx, t) => {
    const since = cx.state.holdsSince.get(memoKey);
    if (since !== undefined && t >= since) return true;
    const holds = evaluate(cx, t);
    if (holds) cx.state.holdsSince.set(memoKey, Math.min(since ?? Infinity, t));
    return holds;
  };
}

function firstGreater(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sequenceKey(value: unknown): Key | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/**
 * `A then not B within D` without a key, in O(log n) plus the filter tests near the edges: with lastB the latest
 * visible B, it holds iff some visible A has lastB ≤ a (no B strictly after it) and a + D ≤ t.
 */
function compileUnkeyedNegated(node: SequenceNode, d: number): CompiledCondition {
  const first = node.first;
  const then = node.then;
  const firstMatches = first.where === undefined ? undefined : new EventColumn<boolean>(first.name, (e) => matchesFilter(first.where as Filter, e.properties));
  const thenMatches = then.where === undefined ? undefined : new EventColumn<boolean>(then.name, (e) => matchesFilter(then.where as Filter, e.properties));
  return (cx, t) => {
    const firsts = cx.state.events.get(first.name);
    if (firsts === undefined) return false;
    let lastB = -Infinity;
    const thens = cx.state.events.get(then.name);
    if (thens !== undefined) {
      const ok = thenMatches?.of(cx.state);
      for (let i = firstAfter(thens, t) - 1; i >= 0; i--) {
        if (ok === undefined || ok[i] === true) {
          lastB = (thens[i] as HistoryEvent).time;
          break;
        }
      }
    }
    const ok = firstMatches?.of(cx.state);
    // The first A with time ≥ lastB: the index after every A with time < lastB.
    for (let i = firstAtOrAfter(firsts, lastB); i < firsts.length; i++) {
      const a = firsts[i] as HistoryEvent;
      if (a.time + d > t) return false;
      if (ok === undefined || ok[i] === true) return true;
    }
    return false;
  };
}
