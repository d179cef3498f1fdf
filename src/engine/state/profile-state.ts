import type {
  ConsentUpdate,
  HistoryEvent,
  ProfileHistory,
  ScoreUpdate,
  SubscriptionUpdate,
  TraitUpdate,
} from '../../rules/index.js';
import { compareEvents } from '../rules-api.js';
import type { HistoryItems } from './history-from-events.js';
import { SmallMap } from './small-map.js';
import type { KeptEventSpec, StateSpec } from './state-spec.js';

/** The four update lists the rule helpers read (traits, subscription, consent, scores), in log order. */
export interface ProfileUpdates {
  readonly traits: TraitUpdate[];
  readonly subscription: SubscriptionUpdate[];
  readonly consent: ConsentUpdate[];
  readonly scores: ScoreUpdate[];
}

/** Kept activity events by name (read-only view). */
export interface KeptLists extends Iterable<[string, readonly HistoryEvent[]]> {
  get(name: string): readonly HistoryEvent[] | undefined;
}

/** A list's change counters (see {@link ProfileState.metaOf}). */
export interface ListMeta {
  inserted: number;
  dropped: number;
}

// Shared empty values: most profiles have one or two events, so a state allocates its maps and arrays only
// when something is first put in them (an empty Map costs ~200 bytes in V8, an empty array 32).
const NO_LISTS: KeptLists = new SmallMap<string, HistoryEvent[]>();
const NO_UPDATES: ProfileUpdates = Object.freeze({
  traits: Object.freeze([]) as unknown as TraitUpdate[],
  subscription: Object.freeze([]) as unknown as SubscriptionUpdate[],
  consent: Object.freeze([]) as unknown as ConsentUpdate[],
  scores: Object.freeze([]) as unknown as ScoreUpdate[],
});
const NO_TIMES: readonly number[] = Object.freeze([]);
const NO_META: Readonly<ListMeta> = Object.freeze({ inserted: 0, dropped: 0 });
const NO_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** Bytes of the fixed part of a state (the object, its two id strings, the cache slot), measured on Node 20. */
const STATE_BYTES = 360;
/** Bytes of a kept event besides its id and properties: the object, its boxed time, its list slot. */
const EVENT_BYTES = 96;

/**
 * The compact per-profile state the compiled rules read: only what the live rules of the workspace need.
 *
 * - Activity events of selected names, sorted by (time, id), with only the property keys rules read; events of a
 *   name every rule reads through `within` / `between` windows only are dropped once older than the longest
 *   such window (they can never be inside a window again, since evaluation instants only move forward).
 * - For `first_seen` / `last_seen`: the earliest activity time and the activity times from the latest one at or
 *   before the pruning watermark onwards (older ones can never again be the latest visible one).
 * - Trait, subscription, consent and score updates in log order (small; read with the reference helpers).
 *
 * Compact by construction (docs/engine.md, "Memory"): kept events share their name string (interned in the
 * {@link StateSpec}) and, per name, the hidden class of their projected properties; maps and arrays are allocated
 * on first use. {@link approximateBytes} is kept up to date as events are added and pruned, so that the cache can
 * be bounded in bytes without walking the state.
 *
 * Exactness requires evaluation instants at or after {@link watermark}; the engine reloads a state from the log
 * for the rare evaluation at an earlier instant.
 */
export class ProfileState {
  /** Highest log seq folded in: replaying an event with a seq at or below it is a no-op (idempotence). */
  seq = 0;
  /** The latest instant the state was pruned for. */
  watermark = -Infinity;
  minActivity = Infinity;
  private lists: SmallMap<string, HistoryEvent[]> | undefined;
  private memo: Map<object, number> | undefined;
  private meta: Map<string, ListMeta> | undefined;
  private times: number[] | undefined;
  private updateLists: { -readonly [K in keyof ProfileUpdates]: ProfileUpdates[K] } | undefined;
  private bytes = STATE_BYTES;

  constructor(
    readonly workspaceId: string,
    readonly profileId: string,
    private readonly spec: StateSpec,
  ) {}

  /** Kept activity events by name, each list sorted by (time, id). */
  get events(): KeptLists {
    return this.lists ?? NO_LISTS;
  }

  /** Activity times (ascending) from the latest one at or before the watermark onwards. */
  get activity(): readonly number[] {
    return this.times ?? NO_TIMES;
  }

  /** Trait, subscription, consent and score updates in log order. */
  get updates(): ProfileUpdates {
    return this.updateLists ?? NO_UPDATES;
  }

  /** The trait / subscription / consent / score updates as a history with no events, for the reference helpers. */
  get updatesHistory(): ProfileHistory {
    return { events: [], ...this.updates };
  }

  /**
   * Facts that stay true once true while the state only grows (a completed positive sequence): compiled node →
   * the earliest instant it was seen to hold. Valid because kept events are never removed from the lists such
   * nodes read (their horizon is unbounded) and a merge builds a new state.
   */
  holdsSince(node: object): number | undefined {
    return this.memo?.get(node);
  }

  /** Records that `node` holds at t (see {@link holdsSince}). */
  setHoldsSince(node: object, t: number): void {
    (this.memo ??= new Map()).set(node, t);
  }

  /** Folds one event's contribution in; returns false (and does nothing) if `seq` was already applied. */
  apply(seq: number, items: HistoryItems): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    if (items.traits || items.subscription || items.consent || items.score) {
      // Each list is allocated on its first update (most profiles have traits but no consent, for instance).
      const u = (this.updateLists ??= { ...NO_UPDATES });
      if (items.traits) {
        u.traits = pushed(u.traits, items.traits);
        this.bytes += 64 + 48 * Object.keys(items.traits.traits).length;
      }
      if (items.subscription) u.subscription = pushed(u.subscription, items.subscription);
      if (items.consent) u.consent = pushed(u.consent, items.consent);
      if (items.score) u.scores = pushed(u.scores, items.score);
      this.bytes += 48 * (Number(!!items.subscription) + Number(!!items.consent) + Number(!!items.score));
    }
    const event = items.event;
    if (event === undefined) return true;
    if (this.spec.seen) {
      this.minActivity = Math.min(this.minActivity, event.time);
      const times = this.times ?? [];
      let i = times.length;
      while (i > 0 && (times[i - 1] as number) > event.time) i -= 1;
      this.times = insertAt(times, i, event.time);
      this.bytes += 8;
    }
    const spec = this.spec.events.get(event.name);
    if (spec === undefined || event.time <= this.watermark - spec.horizon) return true;
    const kept = keep(event, spec);
    this.bytes += eventBytes(kept, spec);
    const lists = (this.lists ??= new SmallMap());
    let list = lists.get(spec.name);
    if (!list) lists.set(spec.name, (list = []));
    let i = list.length;
    while (i > 0 && compareEvents(list[i - 1] as HistoryEvent, kept) > 0) i -= 1;
    if (i < list.length) this.counters(spec.name).inserted += 1;
    list.splice(i, 0, kept);
    return true;
  }

  /**
   * The change counters of one name's list: `inserted` counts insertions before the end of the list (late
   * events), `dropped` counts events pruned from its front. Caches derived from a list stay valid while the list
   * is the same array and `inserted` is unchanged: they drop `dropped` entries from their front and extend at the
   * end. (A list emptied by pruning is deleted with its counters; a new list is a new array.)
   */
  metaOf(name: string): Readonly<ListMeta> {
    return this.meta?.get(name) ?? NO_META;
  }

  private counters(name: string): ListMeta {
    const all = (this.meta ??= new Map());
    let meta = all.get(name);
    if (!meta) all.set(name, (meta = { inserted: 0, dropped: 0 }));
    return meta;
  }

  /** Drops what no evaluation at an instant ≥ t can read. */
  prune(t: number): void {
    if (t <= this.watermark) return;
    this.watermark = t;
    const lists = this.lists;
    if (lists !== undefined) {
      let emptied: string[] | undefined;
      for (const [name, list] of lists) {
        const spec = this.spec.events.get(name);
        const horizon = spec?.horizon ?? Infinity;
        if (!Number.isFinite(horizon)) continue;
        let drop = 0;
        while (drop < list.length && (list[drop] as HistoryEvent).time <= t - horizon) {
          this.bytes -= eventBytes(list[drop] as HistoryEvent, spec);
          drop += 1;
        }
        if (list.length === drop) {
          (emptied ??= []).push(name);
        } else if (drop > 0) {
          list.splice(0, drop);
          this.counters(name).dropped += drop;
        }
      }
      // Deleted after the loop: a SmallMap delete moves its last entry into the hole.
      for (const name of emptied ?? []) {
        lists.delete(name);
        this.meta?.delete(name);
      }
    }
    const times = this.times;
    if (times === undefined) return;
    let last = -1;
    for (let i = 0; i < times.length && (times[i] as number) <= t; i++) last = i;
    if (last > 0) {
      times.splice(0, last);
      this.bytes -= 8 * last;
    }
  }

  /** The time of the latest activity at or before t, if any. */
  lastActivityAt(t: number): number | undefined {
    // Binary search: the times are ascending, and this runs at every next-change candidate of `last_seen`.
    const times = this.activity;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo === 0 ? undefined : times[lo - 1];
  }

  /** Every stored time a change instant can be offset from: kept events, activity, and updates. */
  storedTimes(names: ReadonlySet<string>, seen: boolean, updates: boolean): number[] {
    const times: number[] = [];
    for (const name of names) for (const e of this.events.get(name) ?? []) times.push(e.time);
    if (seen) {
      if (Number.isFinite(this.minActivity)) times.push(this.minActivity);
      times.push(...this.activity);
    }
    if (updates) {
      const u = this.updates;
      for (const x of u.traits) times.push(x.time);
      for (const x of u.subscription) times.push(x.time);
      for (const x of u.consent) times.push(x.time);
      for (const x of u.scores) times.push(x.time);
    }
    return times;
  }

  /**
   * An estimate of the heap bytes this state holds, kept up to date as it changes (O(1)): a fixed part, plus per
   * kept event its object, id and projected properties, plus the updates. Calibrated against heap measurements
   * after a forced GC (`bench/workloads/engine-throughput.ts`); column caches derived from long lists are not
   * counted.
   */
  approximateBytes(): number {
    return this.bytes;
  }
}

/** The kept copy of an event: the interned name, and only the property keys some rule reads. */
function keep(event: HistoryEvent, spec: KeptEventSpec): HistoryEvent {
  if (spec.keys === 'all') return event.name === spec.name ? event : { id: event.id, name: spec.name, time: event.time, properties: event.properties };
  let properties = NO_PROPERTIES;
  for (const key of spec.keys) {
    if (!Object.hasOwn(event.properties, key)) continue;
    if (properties === NO_PROPERTIES) properties = {};
    // An ordinary object (keys added in the spec's fixed order share one hidden class); a key named `__proto__`
    // is defined as an own property rather than assigned, which would set the prototype. Readers use
    // `Object.hasOwn` (getPath), so inherited names are never seen as properties.
    const raw = event.properties[key];
    const value = typeof raw === 'string' ? spec.values.intern(raw) : raw;
    if (key === '__proto__') Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true });
    else (properties as Record<string, unknown>)[key] = value;
  }
  return { id: event.id, name: spec.name, time: event.time, properties };
}

/** The estimated bytes of one kept event (see {@link ProfileState.approximateBytes}); interned strings are shared. */
function eventBytes(e: HistoryEvent, spec: KeptEventSpec | undefined): number {
  let bytes = EVENT_BYTES + 24 + e.id.length;
  if (e.properties !== NO_PROPERTIES) {
    bytes += 32;
    for (const key in e.properties) {
      const v = e.properties[key];
      bytes += 8 + (typeof v === 'string' ? (spec?.values.holds(v) === true ? 0 : 24 + v.length) : typeof v === 'number' ? 16 : 32);
    }
  }
  return bytes;
}

/**
 * Below this length a list grows by copying into an array of the exact size; V8 grows an array in place by half
 * its length plus 16 spare slots, which for the one-to-three-event lists of most profiles is most of their
 * size. Longer lists grow in place (amortised O(1); their per-profile column caches key on the array's identity).
 */
const EXACT_BELOW = 16;

/** `list` with `item` inserted at index i: a new exact-size array for a short list, the same array otherwise. */
function insertAt<T>(list: T[], i: number, item: T): T[] {
  if (list.length >= EXACT_BELOW) {
    list.splice(i, 0, item);
    return list;
  }
  const out = new Array<T>(list.length + 1);
  for (let k = 0; k < i; k++) out[k] = list[k] as T;
  out[i] = item;
  for (let k = i; k < list.length; k++) out[k + 1] = list[k] as T;
  return out;
}

/** The list with `item` appended (see {@link insertAt}). */
function pushed<T>(list: T[], item: T): T[] {
  return insertAt(list, list.length, item);
}
