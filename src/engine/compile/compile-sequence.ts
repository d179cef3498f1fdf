import { durationMs } from '../../rules/index.js';
import type { HistoryEvent, SequenceNode } from '../../rules/index.js';
import type { Filter } from '../../rules/index.js';
import { getPath, matchesFilter } from '../rules-api.js';
import { EventColumn } from './event-column.js';
import { firstAfter, firstAtOrAfter } from './select-events.js';
import type { ProfileState } from '../state/profile-state.js';
import type { CompiledCondition } from './compiled-rule.js';

type Key = string | number | boolean;

/**
 * Compiles `A then [not] B within D [by k]` with the reference semantics (`sequenceReadingAt`): negated holds
 * when some visible A has no B strictly after it (same key) and its deadline a + D ≤ t; positive holds when some
 * A is followed by a B with a < b ≤ a + D (b ≤ t). Filters and keys are per-event columns. Positive: the earliest
 * completion instant, computed in O(n log n) once per change of the lists (not per evaluation); negated: the
 * latest A and B per key, folded forward as t grows. The reference is O(n²).
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
  if (node.negated) {
    if (by === undefined) return compileUnkeyedNegated(node, d);
    return (cx, t) => {
      const firsts = cx.state.events.get(first.name);
      if (firsts === undefined) return false;
      const thens = cx.state.events.get(then.name);
      return negated.holds(cx.state, firsts, firstKeys.of(cx.state), thens, thens === undefined ? [] : thenKeys.of(cx.state), t);
    };
  }
  // Positive: it holds at t iff its earliest completion instant (the first b with a same-key a in [b − D, b)) is
  // ≤ t. That instant does not depend on t, so it is computed once per state of the two lists, not at each
  // evaluation and each next-change candidate; a completed pair is also remembered (it stays completed).
  const completion = new Completion(first.name, then.name, d, firstKeys, thenKeys);
  const memoKey = {};
  return (cx, t) => {
    const since = cx.state.holdsSince(memoKey);
    if (since !== undefined && t >= since) return true;
    const holds = completion.of(cx.state) <= t;
    if (holds) cx.state.setHoldsSince(memoKey, Math.min(since ?? Infinity, t));
    return holds;
  };
}

/**
 * The earliest completion instant of a positive sequence in one profile's state (Infinity when none): the
 * earliest b (a selected second event, with a key) such that an earlier first event of the same key lies in
 * [b − D, b). Same pairs as the reference `sequenceReadingAt` (a < b ≤ a + D, both visible at t iff b ≤ t).
 * Cached for the last state read, valid while both lists are the same arrays with the same lengths and counters.
 */
class Completion {
  private lastState: ProfileState | undefined;
  private lastVersion = '';
  private lastValue = Infinity;

  constructor(
    private readonly firstName: string,
    private readonly thenName: string,
    private readonly d: number,
    private readonly firstKeys: EventColumn<Key | undefined>,
    private readonly thenKeys: EventColumn<Key | undefined>,
  ) {}

  of(state: ProfileState): number {
    const firsts = state.events.get(this.firstName);
    const thens = state.events.get(this.thenName);
    if (firsts === undefined || thens === undefined) return Infinity;
    const version = `${firsts.length}:${metaKey(state, this.firstName)}/${thens.length}:${metaKey(state, this.thenName)}`;
    if (state === this.lastState && version === this.lastVersion && this.lists === firsts && this.thenList === thens) return this.lastValue;
    const aKeys = this.firstKeys.of(state);
    const bKeys = this.thenKeys.of(state);
    const firstTimes = new Map<Key, number[]>();
    for (let i = 0; i < firsts.length; i++) {
      const k = aKeys[i];
      if (k === undefined) continue;
      let times = firstTimes.get(k);
      if (!times) firstTimes.set(k, (times = []));
      times.push((firsts[i] as HistoryEvent).time);
    }
    let value = Infinity;
    // The second events in time order: the first that completes a pair is the earliest completion.
    for (let j = 0; j < thens.length; j++) {
      const k = bKeys[j];
      if (k === undefined) continue;
      const times = firstTimes.get(k);
      if (times === undefined) continue;
      const b = (thens[j] as HistoryEvent).time;
      // The latest a < b: the one before the first a ≥ b.
      const i = firstAtOrAfterTime(times, b) - 1;
      if (i >= 0 && b - (times[i] as number) <= this.d) {
        value = b;
        break;
      }
    }
    this.lastState = state;
    this.lastVersion = version;
    this.lists = firsts;
    this.thenList = thens;
    this.lastValue = value;
    return value;
  }

  private lists: readonly HistoryEvent[] | undefined;
  private thenList: readonly HistoryEvent[] | undefined;
}

/** Index of the first time ≥ x in an ascending list of times. */
function firstAtOrAfterTime(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
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
