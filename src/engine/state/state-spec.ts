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
    events.set(name, { name, horizon, keys: ks === 'all' ? 'all' : new Set([...ks].sort()) });
  }
  return { events, seen };
}
