import { ALL_KEYS } from '../compile/rule-footprint.js';
import type { RuleFootprint } from '../compile/rule-footprint.js';

/**
 * What the per-profile state keeps, the union of the live rules' footprints in one workspace: per event name,
 * how far back to keep its events and which top-level properties to keep on them. Events of names no live rule
 * selects are not kept at all (only their time, when a rule reads `first_seen` / `last_seen`).
 */
export interface StateSpec {
  readonly events: ReadonlyMap<string, KeptEventSpec>;
  readonly seen: boolean;
}

/**
 * How one event name is kept. `name` is the one string instance every kept event of that name points at
 * (interned: names read from the store are fresh strings, ~40 bytes each); `keys` in a fixed order, so projected
 * property objects of one name share a V8 hidden class instead of each being a dictionary.
 */
export interface KeptEventSpec {
  readonly name: string;
  readonly horizon: number;
  readonly keys: ReadonlySet<string> | 'all';
  /** The string property values of kept events of this name, interned (see {@link ValueInterner}). */
  readonly values: ValueInterner;
}

/**
 * Interns the short string property values of kept events (product ids, campaign names: a few hundred distinct
 * values repeated across millions of events), so each kept event points at one shared string instead of its own
 * copy parsed from the store (~24 bytes plus its length). Bounded: past {@link ValueInterner.capacity} distinct
 * values, new ones are kept as they come (high-cardinality values such as order ids gain nothing from it).
 * Only ever grows while its rule set lives, so whether a value is shared never changes for a kept event (the
 * byte estimate relies on that when it subtracts a pruned event).
 */
export class ValueInterner {
  /** Distinct values held at most. */
  static readonly capacity = 50_000;
  /** Longer strings are never interned. */
  static readonly maxLength = 64;
  private readonly table = new Map<string, string>();

  /** The shared copy of `value`, adding it while there is room. */
  intern(value: string): string {
    const held = this.table.get(value);
    if (held !== undefined) return held;
    if (value.length <= ValueInterner.maxLength && this.table.size < ValueInterner.capacity) this.table.set(value, value);
    return value;
  }

  /** Whether `value` is held (a kept event's copy of it is then the shared one). */
  holds(value: string): boolean {
    return this.table.has(value);
  }
}

/** Merges footprints into the spec the state keeps. */
export function stateSpecOf(footprints: Iterable<RuleFootprint>): StateSpec {
  const horizons = new Map<string, number>();
  const keys = new Map<string, Set<string> | 'all'>();
  let seen = false;
  for (const fp of footprints) {
    seen ||= fp.seen;
    for (const [name, h] of fp.horizons) horizons.set(name, Math.max(horizons.get(name) ?? 0, h));
    for (const [name, ks] of fp.propertyKeys) {
      const current = keys.get(name) ?? new Set<string>();
      if (current === 'all' || ks.has(ALL_KEYS)) {
        keys.set(name, 'all');
        continue;
      }
      for (const k of ks) current.add(k);
      keys.set(name, current);
    }
  }
  const events = new Map<string, KeptEventSpec>();
  for (const [name, horizon] of horizons) {
    const ks = keys.get(name) ?? new Set<string>();
    events.set(name, { name, horizon, keys: ks === 'all' ? 'all' : new Set([...ks].sort()), values: new ValueInterner() });
  }
  return { events, seen };
}
