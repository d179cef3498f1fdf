import { describe, expect, it } from 'vitest';
import { entryBytes, ProfileCache } from './profile-cache.js';
import type { ProfileEntry } from './profile-entry.js';
import { ProfileState } from './state/profile-state.js';
import { stateSpecOf } from './state/state-spec.js';
import { ruleFootprint } from './compile/rule-footprint.js';
import { parseRule } from '../rules/index.js';

const spec = stateSpecOf([ruleFootprint(parseRule('count("Viewed" where sku = "A", within 7d) >= 1'))]);

function entryWith(profileId: string, events: number): ProfileEntry {
  const state = new ProfileState('ws', profileId, spec);
  for (let i = 1; i <= events; i++) {
    state.apply(i, { event: { id: `m${i}`, name: 'Viewed', time: i * 1000, properties: { sku: 'A', other: 'x'.repeat(100) } } });
  }
  return { state, members: new Map(), timers: new Map() };
}

describe('ProfileCache', () => {
  it('evicts the oldest unused entries beyond its profile bound', () => {
    const cache = new ProfileCache({ maxProfiles: 2, maxBytes: Infinity });
    cache.set('a', entryWith('a', 1));
    cache.set('b', entryWith('b', 1));
    cache.set('c', entryWith('c', 1));
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([false, true, true]);
  });

  it('gives a recently used entry a second chance', () => {
    const cache = new ProfileCache({ maxProfiles: 2, maxBytes: Infinity });
    cache.set('a', entryWith('a', 1));
    cache.set('b', entryWith('b', 1));
    cache.get('a');
    cache.set('c', entryWith('c', 1));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
  });

  it('evicts by estimated bytes: one large profile displaces several small ones', () => {
    const small = entryBytes(entryWith('x', 1));
    const large = entryWith('big', 200);
    const cache = new ProfileCache({ maxProfiles: 1000, maxBytes: small * 10 });
    for (let i = 0; i < 10; i++) cache.set(`p${i}`, entryWith(`p${i}`, 1));
    expect(cache.size).toBe(10);
    expect(entryBytes(large)).toBeGreaterThan(small * 5);
    cache.set('big', large);
    expect(cache.get('big')).toBe(large);
    expect(cache.bytes).toBeLessThanOrEqual(Math.max(small * 10, entryBytes(large)));
    expect(cache.size).toBeLessThan(10);
  });

  it('re-measures an entry at each hit, so growth after it was stored counts against the bound', () => {
    const cache = new ProfileCache({ maxProfiles: 1000, maxBytes: Infinity });
    const entry = entryWith('a', 1);
    cache.set('a', entry);
    const before = cache.bytes;
    for (let i = 2; i <= 50; i++) entry.state.apply(i, { event: { id: `m${i}`, name: 'Viewed', time: i * 1000, properties: { sku: 'A' } } });
    cache.get('a');
    expect(cache.bytes).toBe(entryBytes(entry));
    expect(cache.bytes).toBeGreaterThan(before);
  });

  it('keeps the byte count exact through deletes and clears', () => {
    const cache = new ProfileCache({ maxProfiles: 10, maxBytes: Infinity });
    cache.set('a', entryWith('a', 3));
    cache.set('b', entryWith('b', 5));
    cache.set('a', entryWith('a', 1));
    cache.delete('b');
    expect(cache.bytes).toBe(entryBytes(cache.get('a') as ProfileEntry));
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});
