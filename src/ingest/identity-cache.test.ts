import { describe, expect, it } from 'vitest';
import { withIdentityCache } from './identity-cache.js';
import { MemoryStore } from './testing/memory-store.js';

const WS = 'ws_default';

/** A memory repo and the calls made on it from outside (the memory repo's own calls to itself not counted). */
function spiedRepo() {
  const repo = new MemoryStore().profiles;
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const spied = new Proxy(repo, {
    get(target, property: string) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: property, args });
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  const callsOf = (method: string): unknown[][] => calls.filter((c) => c.method === method).map((c) => c.args);
  return { repo, spied, callsOf };
}

describe('withIdentityCache', () => {
  it('answers lookups from one bulk lookup, misses included', async () => {
    const spied = spiedRepo();
    await spied.repo.create(WS, 'prof_a', 1);
    await spied.repo.addIdentity(WS, 'prof_a', 'user_id', 'u1', 1);
    const profiles = withIdentityCache(spied.spied);
    await profiles.findByIdentities(WS, [
      { kind: 'user_id', value: 'u1' },
      { kind: 'user_id', value: 'u2' },
    ]);
    expect(await profiles.findByIdentity(WS, 'user_id', 'u1')).toBe('prof_a');
    expect(await profiles.findByIdentity(WS, 'user_id', 'u2')).toBeUndefined();
    expect(spied.callsOf('findByIdentities')).toHaveLength(1);
    expect(spied.callsOf('findByIdentity')).toEqual([]);
  });

  it('writes brand-new profiles with their identities in one call, and before anything else reads them', async () => {
    const spied = spiedRepo();
    const profiles = withIdentityCache(spied.spied);
    await profiles.findByIdentities(WS, [
      { kind: 'user_id', value: 'u1' },
      { kind: 'user_id', value: 'u2' },
    ]);
    await profiles.create(WS, 'prof_1', 5);
    await profiles.addIdentity(WS, 'prof_1', 'user_id', 'u1', 5);
    await profiles.create(WS, 'prof_2', 5);
    await profiles.addIdentity(WS, 'prof_2', 'user_id', 'u2', 5);
    // A later message of the group finds the new profile in the cache before anything is written.
    expect(await profiles.findByIdentity(WS, 'user_id', 'u2')).toBe('prof_2');
    expect(await spied.repo.count(WS)).toBe(0);

    expect((await profiles.get(WS, 'prof_2'))?.identities).toEqual([{ kind: 'user_id', value: 'u2', firstSeenAt: 5 }]);
    expect(spied.callsOf('createWithIdentities')).toEqual([
      [
        WS,
        [
          { profileId: 'prof_1', identities: [{ kind: 'user_id', value: 'u1' }] },
          { profileId: 'prof_2', identities: [{ kind: 'user_id', value: 'u2' }] },
        ],
        5,
      ],
    ]);
    expect(spied.callsOf('addIdentity')).toEqual([]);
    expect(spied.callsOf('create')).toEqual([]);
    await profiles.flush();
    expect(spied.callsOf('createWithIdentities')).toHaveLength(1);
  });

  it('attaches an identity it has not seen unattached at once, after writing the held profiles', async () => {
    const spied = spiedRepo();
    await spied.repo.create(WS, 'prof_a', 1);
    await spied.repo.addIdentity(WS, 'prof_a', 'user_id', 'u1', 1);
    const profiles = withIdentityCache(spied.spied);
    await profiles.create(WS, 'prof_b', 5);
    await expect(profiles.addIdentity(WS, 'prof_b', 'user_id', 'u1', 5)).rejects.toThrow(/already belongs/);
    expect(spied.callsOf('createWithIdentities')).toEqual([[WS, [{ profileId: 'prof_b', identities: [] }], 5]]);
    expect(spied.callsOf('addIdentity')).toEqual([[WS, 'prof_b', 'user_id', 'u1', 5]]);
  });
});
