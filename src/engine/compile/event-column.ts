import type { HistoryEvent } from '../../rules/index.js';
import type { ProfileState } from '../state/profile-state.js';

/**
 * A per-profile column derived from one event name's sorted list: `value(event)` computed once per kept event
 * (a filtered, extracted property) instead of at every evaluation and every next-change candidate. Kept in step
 * with the list incrementally (events appended at the end, events pruned from the front); rebuilt when a late
 * event was inserted in the middle.
 */
export class EventColumn<V> {
  private readonly cache = new WeakMap<ProfileState, { list: readonly HistoryEvent[]; inserted: number; dropped: number; values: V[] }>();

  constructor(
    private readonly name: string,
    private readonly value: (event: HistoryEvent) => V,
  ) {}

  /** The values aligned with the state's current list for the name (empty when there is none). */
  of(state: ProfileState): readonly V[] {
    const list = state.events.get(this.name);
    if (list === undefined) return [];
    const meta = state.metaOf(this.name);
    let c = this.cache.get(state);
    if (c === undefined || c.list !== list || c.inserted !== meta.inserted) {
      c = { list, inserted: meta.inserted, dropped: meta.dropped, values: [] };
      this.cache.set(state, c);
    }
    if (meta.dropped > c.dropped) {
      c.values.splice(0, meta.dropped - c.dropped);
      c.dropped = meta.dropped;
    }
    for (let i = c.values.length; i < list.length; i++) c.values.push(this.value(list[i] as HistoryEvent));
    return c.values;
  }
}
