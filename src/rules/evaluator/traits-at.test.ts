import { describe, expect, it } from 'vitest';
import { traitsAt } from './traits-at.js';
import type { ProfileHistory } from '../history.js';

const history: ProfileHistory = {
  events: [],
  traits: [
    { time: 200, traits: { plan: 'pro', address: { city: 'Boston' } } },
    { time: 100, traits: { plan: 'free', age: 30, address: { city: 'NYC', zip: '10001' } } },
    { time: 300, traits: { age: null } },
    { time: 300, traits: { age: 41 } },
    { time: 400, traits: { plan: 'enterprise' } },
  ],
};

describe('traitsAt', () => {
  it('applies updates in time order whatever their order in the array', () => {
    expect(traitsAt(history, 250)['plan']).toBe('pro');
  });
  it('replaces nested objects whole instead of deep-merging', () => {
    expect(traitsAt(history, 250)['address']).toEqual({ city: 'Boston' });
  });
  it('breaks ties between equal times by array order, later wins', () => {
    expect(traitsAt(history, 300)['age']).toBe(41);
  });
  it('removes a trait set to null', () => {
    const h: ProfileHistory = { events: [], traits: [{ time: 1, traits: { a: 1 } }, { time: 2, traits: { a: null } }] };
    expect('a' in traitsAt(h, 2)).toBe(false);
    expect(traitsAt(h, 1)['a']).toBe(1);
  });
  it('does not see updates after t, even when stored', () => {
    expect(traitsAt(history, 399)['plan']).toBe('pro');
    expect(traitsAt(history, 400)['plan']).toBe('enterprise');
  });
  it('keeps a trait named __proto__ as an ordinary key', () => {
    const h: ProfileHistory = { events: [], traits: [{ time: 1, traits: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown> }] };
    const traits = traitsAt(h, 1);
    expect(Object.getPrototypeOf(traits)).toBeNull();
    expect(traits['__proto__']).toEqual({ x: 1 });
  });
});
