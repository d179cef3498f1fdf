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
}

/**
 * A per-profile column derived from one event name's sorted list: `value(event)` computed once per kept event
 * (a filtered, extracted property) instead of at every evaluation and every next-change candidate. Kept in step
 * with the list incrementally (events appended at the end, events pruned from the front); rebuilt when a late
 * event was inserted in the middle.
 */
export class EventColumn<V> {
  private readonly cache = new WeakMap<ProfileState, ColumnCache<V>>();

  constructor(
    private readonly name: string,
    private readonly value: (event: HistoryEvent) => V,
    private readonly numeric = false,
  ) {}

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

  private sync(state: ProfileState): ColumnCache<V> | undefined {
    const list = state.events.get(this.name);
    if (list === undefined) return undefined;
    const meta = state.metaOf(this.name);
    let c = this.cache.get(state);
    if (c === undefined || c.list !== list || c.inserted !== meta.inserted) {
      c = { list, inserted: meta.inserted, dropped: meta.dropped, values: [] };
      if (this.numeric) Object.assign(c, { prefix: [0], counts: [0], absTotal: 0, exact: true });
      this.cache.set(state, c);
    }
    if (meta.dropped > c.dropped) {
      const d = meta.dropped - c.dropped;
      c.values.splice(0, d);
      // Differences of prefix entries stay valid when the same number is dropped from their front.
      c.prefix?.splice(0, d);
      c.counts?.splice(0, d);
      c.dropped = meta.dropped;
    }
    for (let i = c.values.length; i < list.length; i++) {
      const v = this.value(list[i] as HistoryEvent);
      c.values.push(v);
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
}
