import { durationMs } from '../../rules/index.js';
import type { HistoryEvent, SequenceNode } from '../../rules/index.js';
import type { Filter } from '../../rules/index.js';
import { getPath, matchesFilter } from '../rules-api.js';
import { EventColumn } from './event-column.js';
import { firstAfter, firstAtOrAfter, firstGreater } from './select-events.js';
import type { ProfileState } from '../state/profile-state.js';
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
  const negated = new KeyedNegated(first.name, then.name, d);
  const evaluate: CompiledCondition = (cx, t) => {
    const firsts = cx.state.events.get(first.name);
    if (firsts === undefined) return false;
    const aKeys = firstKeys.of(cx.state);
    const thens = cx.state.events.get(then.name);
    const bKeys = thens === undefined ? [] : thenKeys.of(cx.state);
    if (node.negated) return negated.holds(cx.state, firsts, aKeys, thens, bKeys, t);
    const nB = thens === undefined ? 0 : firstAfter(thens, t);
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
    const since = cx.state.holdsSince(memoKey);
    if (since !== undefined && t >= since) return true;
    const holds = evaluate(cx, t);
    if (holds) cx.state.setHoldsSince(memoKey, Math.min(since ?? Infinity, t));
    return holds;
  };
}

interface NegatedScan {
  readonly firsts: readonly HistoryEvent[];
  readonly thens: readonly HistoryEvent[] | undefined;
  readonly firstsMeta: string;
  readonly thensMeta: string;
  t: number;
  /** How many A (a + D ≤ t) and B (b ≤ t) have been folded in, from the front of their lists. */
  nA: number;
  nB: number;
  readonly latestA: Map<Key, number>;
  readonly lastB: Map<Key, number>;
  /** Keys whose latest counted A has no counted B strictly after it. */
  good: number;
}

/**
 * `A then not B within D by k`, folded incrementally as t grows: it holds iff, for some key, the latest A with
 * a + D ≤ t has no B of that key in (a, t], i.e. lastB ≤ latestA. The per-key latest times only move forward as
 * t does, so the next-change candidates of one evaluation (ascending) cost O(new events) each instead of O(n);
 * an earlier t, a late insertion or a pruned list starts the fold again.
 */
class KeyedNegated {
  // One scan, of the last profile evaluated: its reuse is across the ascending next-change candidates of one
  // evaluation, so keeping a scan per profile (two maps each) would only cost memory.
  private lastState: ProfileState | undefined;
  private lastScan: NegatedScan | undefined;

  constructor(
    private readonly firstName: string,
    private readonly thenName: string,
    private readonly d: number,
  ) {}

  holds(
    state: ProfileState,
    firsts: readonly HistoryEvent[],
    aKeys: readonly (Key | undefined)[],
    thens: readonly HistoryEvent[] | undefined,
    bKeys: readonly (Key | undefined)[],
    t: number,
  ): boolean {
    const firstsMeta = metaKey(state, this.firstName);
    const thensMeta = thens === undefined ? '' : metaKey(state, this.thenName);
    let scan = this.lastState === state ? this.lastScan : undefined;
    if (scan === undefined || t < scan.t || scan.firsts !== firsts || scan.thens !== thens || scan.firstsMeta !== firstsMeta || scan.thensMeta !== thensMeta) {
      scan = { firsts, thens, firstsMeta, thensMeta, t, nA: 0, nB: 0, latestA: new Map(), lastB: new Map(), good: 0 };
      this.lastState = state;
      this.lastScan = scan;
    }
    scan.t = t;
    const isGood = (k: Key): boolean => {
      const a = scan.latestA.get(k);
      if (a === undefined) return false;
      const b = scan.lastB.get(k);
      return b === undefined || b <= a;
    };
    if (thens !== undefined) {
      for (; scan.nB < thens.length; scan.nB++) {
        const b = (thens[scan.nB] as HistoryEvent).time;
        if (b > t) break;
        const k = bKeys[scan.nB];
        if (k === undefined) continue;
        const before = isGood(k);
        scan.lastB.set(k, b);
        scan.good += Number(isGood(k)) - Number(before);
      }
    }
    for (; scan.nA < firsts.length; scan.nA++) {
      const a = (firsts[scan.nA] as HistoryEvent).time;
      if (a + this.d > t || a > t) break;
      const k = aKeys[scan.nA];
      if (k === undefined) continue;
      const before = isGood(k);
      scan.latestA.set(k, a);
      scan.good += Number(isGood(k)) - Number(before);
    }
    return scan.good > 0;
  }
}

/** A list's change counters as a string: a scan over it stays valid while they are unchanged. */
function metaKey(state: ProfileState, name: string): string {
  const m = state.metaOf(name);
  return `${m.inserted}:${m.dropped}`;
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
