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
import type { StateSpec } from './state-spec.js';

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
 * Exactness requires evaluation instants at or after {@link watermark}; the engine reloads a state from the log
 * for the rare evaluation at an earlier instant.
 */
export class ProfileState {
  /** Highest log seq folded in: replaying an event with a seq at or below it is a no-op (idempotence). */
  seq = 0;
  /** The latest instant the state was pruned for. */
  watermark = -Infinity;
  readonly events = new Map<string, HistoryEvent[]>();
  /**
   * Facts that stay true once true while the state only grows (a completed positive sequence): compiled node →
   * the earliest instant it was seen to hold. Valid because kept events are never removed from the lists such
   * nodes read (their horizon is unbounded) and a merge builds a new state.
   */
  readonly holdsSince = new Map<object, number>();
  /**
   * Per event name: `inserted` counts insertions before the end of the list (late events), `dropped` counts
   * events pruned from its front. Column caches derived from a list stay valid while `inserted` is unchanged:
   * they drop `dropped` entries from their front and extend at the end.
   */
  readonly listMeta = new Map<string, { inserted: number; dropped: number }>();
  minActivity = Infinity;
  activity: number[] = [];
  readonly updates: { traits: TraitUpdate[]; subscription: SubscriptionUpdate[]; consent: ConsentUpdate[]; scores: ScoreUpdate[] } = {
    traits: [],
    subscription: [],
    consent: [],
    scores: [],
  };

  constructor(
    readonly workspaceId: string,
    readonly profileId: string,
    private readonly spec: StateSpec,
  ) {}

  /** The trait / subscription / consent / score updates as a history with no events, for the reference helpers. */
  get updatesHistory(): ProfileHistory {
    return { events: [], ...this.updates };
  }

  /** Folds one event's contribution in; returns false (and does nothing) if `seq` was already applied. */
  apply(seq: number, items: HistoryItems): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    if (items.traits) this.updates.traits.push(items.traits);
    if (items.subscription) this.updates.subscription.push(items.subscription);
    if (items.consent) this.updates.consent.push(items.consent);
    if (items.score) this.updates.scores.push(items.score);
    const event = items.event;
    if (event === undefined) return true;
    if (this.spec.seen) {
      this.minActivity = Math.min(this.minActivity, event.time);
      insertSorted(this.activity, event.time);
    }
    const spec = this.spec.events.get(event.name);
    if (spec === undefined || event.time <= this.watermark - spec.horizon) return true;
    const kept: HistoryEvent = spec.keys === 'all' ? event : { ...event, properties: project(event.properties, spec.keys) };
    let list = this.events.get(event.name);
    if (!list) this.events.set(event.name, (list = []));
    let i = list.length;
    while (i > 0 && compareEvents(list[i - 1] as HistoryEvent, kept) > 0) i -= 1;
    if (i < list.length) this.metaOf(event.name).inserted += 1;
    list.splice(i, 0, kept);
    return true;
  }

  /** The change counters of one name's list (see {@link listMeta}). */
  metaOf(name: string): { inserted: number; dropped: number } {
    let meta = this.listMeta.get(name);
    if (!meta) this.listMeta.set(name, (meta = { inserted: 0, dropped: 0 }));
    return meta;
  }

  /** Drops what no evaluation at an instant ≥ t can read. */
  prune(t: number): void {
    if (t <= this.watermark) return;
    this.watermark = t;
    for (const [name, list] of this.events) {
      const horizon = this.spec.events.get(name)?.horizon ?? Infinity;
      if (!Number.isFinite(horizon)) continue;
      let drop = 0;
      while (drop < list.length && (list[drop] as HistoryEvent).time <= t - horizon) drop += 1;
      if (drop > 0) {
        list.splice(0, drop);
        this.metaOf(name).dropped += drop;
      }
      if (list.length === 0) {
        this.events.delete(name);
        this.metaOf(name).inserted += 1;
      }
    }
    let last = -1;
    for (let i = 0; i < this.activity.length && (this.activity[i] as number) <= t; i++) last = i;
    if (last > 0) this.activity.splice(0, last);
  }

  /** The time of the latest activity at or before t, if any. */
  lastActivityAt(t: number): number | undefined {
    let found: number | undefined;
    for (const time of this.activity) {
      if (time > t) break;
      found = time;
    }
    return found;
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
      for (const u of this.updates.traits) times.push(u.time);
      for (const u of this.updates.subscription) times.push(u.time);
      for (const u of this.updates.consent) times.push(u.time);
      for (const u of this.updates.scores) times.push(u.time);
    }
    return times;
  }

  /** A rough count of bytes held (for the memory figure; strings as 2 bytes per char, numbers 8, objects 40). */
  approximateBytes(): number {
    let bytes = 120 + this.activity.length * 8;
    for (const [name, list] of this.events) {
      bytes += 40 + name.length * 2;
      for (const e of list) bytes += 56 + e.id.length * 2 + JSON.stringify(e.properties).length * 2;
    }
    for (const u of this.updates.traits) bytes += 40 + JSON.stringify(u.traits).length * 2;
    bytes += (this.updates.subscription.length + this.updates.consent.length + this.updates.scores.length) * 48;
    return bytes;
  }
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > value) i -= 1;
  list.splice(i, 0, value);
}

function project(properties: Readonly<Record<string, unknown>>, keys: ReadonlySet<string>): Record<string, unknown> {
  // No prototype: a kept property named `__proto__` stays an ordinary key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) if (Object.hasOwn(properties, key)) out[key] = properties[key];
  return out;
}
