import type { HistoryEvent } from '../../rules/index.js';
import type { ProfileState } from '../state/profile-state.js';

interface ColumnCache<V> {
  list: readonly HistoryEvent[];
  inserted: number;
  dropped: number;
  values: V[];
  /** Numeric columns: prefix sums and prefix counts of defined values (index k covers values[0..k)). */
  prefix?: number[];
  counts?: number[];
  /** Sum of |value| ever added: while ≤ 2^53 − 1 and every value is a safe integer, every partial sum is exact. */
  absTotal?: number;
  exact?: boolean;
  /**
   * Min / max columns: a sparse table, `table[k][i]` the extreme of the 2^k values from index i (±Infinity for
   * none defined), so that the extreme of any range is two lookups. Extended at the end in O(log n) per value;
   * dropping from the front drops the same count from every level (each entry keeps its range).
   */
  table?: number[][];
  /** Distinct columns: value → absolute index of its last occurrence, and those indexes sorted. */
  last?: Map<V, number>;
  lasts?: number[];
}

/**
 * Lists shorter than this keep no column of their own: their column lives in the single slot of the last profile
 * read, rebuilt when another profile is read. Most profiles keep a handful of events, for which recomputing is
 * cheaper than holding a cache (~300 bytes per column and profile); a long list's column is kept per profile.
 */
export const COLUMN_MIN_LENGTH = 16;

/**
 * A per-profile column derived from one event name's sorted list: `value(event)` computed once per kept event
 * (a filtered, extracted property) instead of at every evaluation and every next-change candidate. Kept in step
 * with the list incrementally (events appended at the end, events pruned from the front); rebuilt when a late
 * event was inserted in the middle.
 */
export class EventColumn<V> {
  private readonly cache = new WeakMap<ProfileState, ColumnCache<V>>();
  private lastState: ProfileState | undefined;
  private lastCache: ColumnCache<V> | undefined;

  constructor(
    private readonly name: string,
    private readonly value: (event: HistoryEvent) => V,
    private readonly mode: 'plain' | 'numeric' | 'distinct' | 'min' | 'max' = 'plain',
  ) {}

  /**
   * For a min / max column: the least (greatest) defined value in [from, to), or undefined when none is defined,
   * in O(1) from the sparse table whatever the range (a window ending before the newest event included). Equal
   * to the reference's ordered scan: min and max do not depend on the order of their operands over finite values.
   */
  extreme(state: ProfileState, from: number, to: number): number | undefined {
    if (from >= to) return undefined;
    const c = this.sync(state);
    if (c === undefined || c.table === undefined) return undefined;
    const k = 31 - Math.clz32(to - from);
    const level = c.table[k] as number[];
    const a = level[from] as number;
    const b = level[to - (1 << k)] as number;
    const x = this.mode === 'min' ? Math.min(a, b) : Math.max(a, b);
    return Number.isFinite(x) ? x : undefined;
  }

  /** The values aligned with the state's current list for the name (empty when there is none). */
  of(state: ProfileState): readonly V[] {
    return this.sync(state)?.values ?? [];
  }

  /**
   * For a numeric column: the sum and the count of defined values in [from, to), when that sum is exact in any
   * order (every value a safe integer, magnitudes bounded), so it equals the reference's left-to-right sum;
   * undefined otherwise (the caller then scans in order).
   */
  exactSum(state: ProfileState, from: number, to: number): { sum: number; count: number } | undefined {
    const c = this.sync(state);
    if (c === undefined || c.exact !== true || c.prefix === undefined || c.counts === undefined) return undefined;
    return { sum: (c.prefix[to] as number) - (c.prefix[from] as number), count: (c.counts[to] as number) - (c.counts[from] as number) };
  }

  /** For a numeric column: how many defined values lie in [from, to) (always exact). */
  countDefined(state: ProfileState, from: number, to: number): number {
    const c = this.sync(state);
    if (c === undefined || c.counts === undefined) return 0;
    return (c.counts[to] as number) - (c.counts[from] as number);
  }

  /**
   * For a distinct column: how many distinct defined values lie in [from, end of list), from the last
   * occurrence of each value, in O(log n); undefined for a range that stops before the end (the caller scans).
   */
  distinctToEnd(state: ProfileState, from: number, to: number): number | undefined {
    const c = this.sync(state);
    if (c === undefined || c.lasts === undefined || to !== c.values.length) return undefined;
    return c.lasts.length - lowerBound(c.lasts, c.dropped + from);
  }

  private sync(state: ProfileState): ColumnCache<V> | undefined {
    const list = state.events.get(this.name);
    if (list === undefined) return undefined;
    const meta = state.metaOf(this.name);
    const held = this.cache.get(state);
    let c = held ?? (this.lastState === state ? this.lastCache : undefined);
    // Rebuilt when entries this cache never read have already been dropped (appended and pruned between two
    // reads): dropping them from its front would take entries it does hold, and leave the prefix sums short.
    if (c === undefined || c.list !== list || c.inserted !== meta.inserted || meta.dropped - c.dropped > c.values.length) {
      c = { list, inserted: meta.inserted, dropped: meta.dropped, values: [] };
      if (this.mode === 'numeric') Object.assign(c, { prefix: [0], counts: [0], absTotal: 0, exact: true });
      if (this.mode === 'distinct') Object.assign(c, { last: new Map<V, number>(), lasts: [] });
      if (this.mode === 'min' || this.mode === 'max') c.table = [[]];
    }
    if (list.length >= COLUMN_MIN_LENGTH) {
      if (held !== c) this.cache.set(state, c);
    } else {
      if (held !== undefined) this.cache.delete(state);
      this.lastState = state;
      this.lastCache = c;
    }
    if (meta.dropped > c.dropped) {
      const d = meta.dropped - c.dropped;
      if (c.last !== undefined && c.lasts !== undefined) {
        // Last occurrences among the dropped entries leave with them.
        let k = 0;
        while (k < c.lasts.length && (c.lasts[k] as number) < meta.dropped) {
          c.last.delete(c.values[(c.lasts[k] as number) - c.dropped] as V);
          k += 1;
        }
        c.lasts.splice(0, k);
      }
      c.values.splice(0, d);
      // Differences of prefix entries stay valid when the same number is dropped from their front.
      c.prefix?.splice(0, d);
      c.counts?.splice(0, d);
      if (c.table !== undefined) for (const level of c.table) level.splice(0, Math.min(d, level.length));
      c.dropped = meta.dropped;
    }
    for (let i = c.values.length; i < list.length; i++) {
      const v = this.value(list[i] as HistoryEvent);
      c.values.push(v);
      if (c.last !== undefined && c.lasts !== undefined && v !== undefined) {
        const abs = c.dropped + i;
        const previous = c.last.get(v);
        if (previous !== undefined) c.lasts.splice(lowerBound(c.lasts, previous), 1);
        c.lasts.push(abs);
        c.last.set(v, abs);
      }
      if (c.table !== undefined) this.extendTable(c.table, v);
      if (c.prefix !== undefined && c.counts !== undefined) {
        const n = typeof v === 'number' ? v : 0;
        c.absTotal = (c.absTotal ?? 0) + Math.abs(n);
        if (!Number.isSafeInteger(n) || c.absTotal > Number.MAX_SAFE_INTEGER) c.exact = false;
        c.prefix.push((c.prefix.at(-1) as number) + n);
        c.counts.push((c.counts.at(-1) as number) + (typeof v === 'number' ? 1 : 0));
      }
    }
    return c;
  }

  /** Appends one value to a sparse table: one new entry per level whose range now ends at the new value. */
  private extendTable(table: number[][], v: V): void {
    const min = this.mode === 'min';
    const base = table[0] as number[];
    base.push(typeof v === 'number' ? v : min ? Infinity : -Infinity);
    const n = base.length;
    for (let k = 1; 1 << k <= n; k++) {
      const below = table[k - 1] as number[];
      const level = (table[k] ??= []);
      // The entry starting at n − 2^k covers the last 2^k values: the two halves one level down.
      const i = n - (1 << k);
      const a = below[i] as number;
      const b = below[i + (1 << (k - 1))] as number;
      level[i] = min ? Math.min(a, b) : Math.max(a, b);
    }
  }
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
