import { expect, it } from 'vitest';
import { identityKey } from '../profile-repo.js';
import type { Store } from '../store.js';
import { makeEvent } from './event-fixture.js';

const WS = 'ws_default';

/** Registers the {@link ProfileRepo} contract tests; call inside a describe that provides fresh stores. */
export function profileRepoContract(getStore: () => Store): void {
  it('creates an empty profile with an unknown subscription', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 100);
    expect(await profiles.get(WS, 'prof_a')).toEqual({
      workspaceId: WS,
      id: 'prof_a',
      traits: {},
      identities: [],
      subscription: { state: 'unknown', changedAt: null, reason: null, consent: {} },
      createdAt: 100,
      updatedAt: 100,
      firstSeenAt: null,
      lastSeenAt: null,
      mergedInto: null,
    });
    expect(await profiles.get(WS, 'prof_missing')).toBeUndefined();
    expect(await profiles.get('ws_other', 'prof_a')).toBeUndefined();
  });

  it('finds a profile by identity, and attaching the same identity twice is a no-op', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    await profiles.addIdentity(WS, 'prof_a', 'user_id', 'u1', 5);
    await profiles.addIdentity(WS, 'prof_a', 'user_id', 'u1', 9);
    await profiles.addIdentity(WS, 'prof_a', 'email', 'a@example.com', 6);
    expect(await profiles.findByIdentity(WS, 'user_id', 'u1')).toBe('prof_a');
    expect(await profiles.findByIdentity(WS, 'email', 'a@example.com')).toBe('prof_a');
    expect(await profiles.findByIdentity(WS, 'anonymous_id', 'u1')).toBeUndefined();
    expect(await profiles.findByIdentity('ws_other', 'user_id', 'u1')).toBeUndefined();
    expect((await profiles.get(WS, 'prof_a'))?.identities).toEqual([
      { kind: 'user_id', value: 'u1', firstSeenAt: 5 },
      { kind: 'email', value: 'a@example.com', firstSeenAt: 6 },
    ]);
  });

  it('finds many identities in one call, keyed by kind and value, following merges and leaving unknown ones out', async () => {
    const { profiles } = getStore();
    for (const id of ['prof_a', 'prof_b', 'prof_c', 'prof_d']) await profiles.create(WS, id, 1);
    await profiles.addIdentity(WS, 'prof_a', 'user_id', 'u1', 1);
    await profiles.addIdentity(WS, 'prof_a', 'email', 'a@example.com', 1);
    await profiles.addIdentity(WS, 'prof_b', 'anonymous_id', 'u1', 1);
    await profiles.addIdentity(WS, 'prof_c', 'anonymous_id', 'anon-c', 1);
    await profiles.create('ws_other', 'prof_x', 1);
    await profiles.addIdentity('ws_other', 'prof_x', 'user_id', 'u2', 1);
    await profiles.merge(WS, 'prof_c', 'prof_d', 2);
    await profiles.merge(WS, 'prof_d', 'prof_b', 3);

    const found = await profiles.findByIdentities(WS, [
      { kind: 'user_id', value: 'u1' },
      { kind: 'anonymous_id', value: 'u1' },
      { kind: 'email', value: 'a@example.com' },
      { kind: 'anonymous_id', value: 'anon-c' },
      { kind: 'user_id', value: 'u2' },
      { kind: 'email', value: 'nobody@example.com' },
      { kind: 'user_id', value: 'u1' },
    ]);

    expect(Object.fromEntries(found)).toEqual({
      [identityKey('user_id', 'u1')]: 'prof_a',
      [identityKey('anonymous_id', 'u1')]: 'prof_b',
      [identityKey('email', 'a@example.com')]: 'prof_a',
      [identityKey('anonymous_id', 'anon-c')]: 'prof_b',
    });
    expect(await profiles.findByIdentities(WS, [])).toEqual(new Map());
    expect(Object.fromEntries(await profiles.findByIdentities('ws_other', [{ kind: 'user_id', value: 'u2' }]))).toEqual({
      [identityKey('user_id', 'u2')]: 'prof_x',
    });
  });

  it('finds many identities whatever their number, with the same answer as one by one', async () => {
    const { profiles } = getStore();
    for (let i = 0; i < 300; i++) {
      await profiles.create(WS, `prof_${i}`, 1);
      if (i % 3 !== 0) await profiles.addIdentity(WS, `prof_${i}`, 'user_id', `u${i}`, 1);
    }
    const keys = Array.from({ length: 300 }, (_, i) => ({ kind: 'user_id' as const, value: `u${i}` }));
    const found = await profiles.findByIdentities(WS, keys);
    expect(found.size).toBe(200);
    for (const { kind, value } of keys) {
      expect(found.get(identityKey(kind, value))).toBe(await profiles.findByIdentity(WS, kind, value));
    }
  });

  it('creates many profiles with their identities at once, as create and addIdentity would', async () => {
    const { profiles } = getStore();
    await profiles.createWithIdentities(
      WS,
      [
        { profileId: 'prof_a', identities: [{ kind: 'user_id', value: 'u1' }, { kind: 'email', value: 'a@example.com' }] },
        { profileId: 'prof_b', identities: [{ kind: 'anonymous_id', value: 'anon-b' }] },
        { profileId: 'prof_c', identities: [] },
      ],
      7,
    );
    await profiles.createWithIdentities(WS, [], 8);
    expect(await profiles.get(WS, 'prof_a')).toEqual({
      workspaceId: WS,
      id: 'prof_a',
      traits: {},
      identities: [
        { kind: 'email', value: 'a@example.com', firstSeenAt: 7 },
        { kind: 'user_id', value: 'u1', firstSeenAt: 7 },
      ],
      subscription: { state: 'unknown', changedAt: null, reason: null, consent: {} },
      createdAt: 7,
      updatedAt: 7,
      firstSeenAt: null,
      lastSeenAt: null,
      mergedInto: null,
    });
    expect(await profiles.findByIdentity(WS, 'anonymous_id', 'anon-b')).toBe('prof_b');
    expect((await profiles.get(WS, 'prof_c'))?.identities).toEqual([]);
    expect(await profiles.count(WS)).toBe(3);
  });

  it('refuses to create a profile that exists or to give a new profile an identity of another', async () => {
    const store = getStore();
    await store.profiles.create(WS, 'prof_a', 1);
    await store.profiles.addIdentity(WS, 'prof_a', 'user_id', 'u1', 1);
    await expect(
      store.transaction((tx) => tx.profiles.createWithIdentities(WS, [{ profileId: 'prof_a', identities: [] }], 2)),
    ).rejects.toThrow();
    await expect(
      store.transaction((tx) =>
        tx.profiles.createWithIdentities(WS, [{ profileId: 'prof_b', identities: [{ kind: 'user_id', value: 'u1' }] }], 2),
      ),
    ).rejects.toThrow(/already belongs/);
    expect(await store.profiles.findByIdentity(WS, 'user_id', 'u1')).toBe('prof_a');
    expect(await store.profiles.get(WS, 'prof_b')).toBeUndefined();
  });

  it('refuses to attach an identity that already belongs to another profile', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    await profiles.create(WS, 'prof_b', 1);
    await profiles.addIdentity(WS, 'prof_a', 'user_id', 'u1', 1);
    await expect(profiles.addIdentity(WS, 'prof_b', 'user_id', 'u1', 2)).rejects.toThrow(/already belongs/);
    expect(await profiles.findByIdentity(WS, 'user_id', 'u1')).toBe('prof_a');
  });

  it('merges traits at the top level, a null removing the trait', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    await profiles.mergeTraits(WS, 'prof_a', { name: 'Ann', city: 'Paris', address: { zip: '75001', street: 'x' } }, 2);
    await profiles.mergeTraits(WS, 'prof_a', { city: null, age: 31, address: { zip: '10001' } }, 3);
    const profile = await profiles.get(WS, 'prof_a');
    expect(profile?.traits).toEqual({ name: 'Ann', age: 31, address: { zip: '10001' } });
    expect(profile?.updatedAt).toBe(3);
  });

  it('widens first and last seen with event times in any order, one call at a time', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    await profiles.touchMany(WS, [{ profileId: 'prof_a', min: 500, max: 500 }], 10);
    await profiles.touchMany(WS, [{ profileId: 'prof_a', min: 300, max: 300 }], 11);
    await profiles.touchMany(WS, [{ profileId: 'prof_a', min: 900, max: 900 }], 12);
    await profiles.touchMany(WS, [{ profileId: 'prof_a', min: 400, max: 400 }], 13);
    const profile = await profiles.get(WS, 'prof_a');
    expect([profile?.firstSeenAt, profile?.lastSeenAt]).toEqual([300, 900]);
  });

  it('widens first and last seen of many profiles at once, a merged id landing on the survivor', async () => {
    const { profiles } = getStore();
    for (const id of ['prof_a', 'prof_b', 'prof_c', 'prof_d', 'prof_e']) await profiles.create(WS, id, 1);
    await profiles.touchMany(WS, [{ profileId: 'prof_a', min: 400, max: 400 }], 2);
    await profiles.touchMany(WS, [{ profileId: 'prof_e', min: 50, max: 50 }], 2);
    await profiles.merge(WS, 'prof_c', 'prof_d', 3);
    await profiles.merge(WS, 'prof_d', 'prof_e', 4);
    await profiles.create('ws_other', 'prof_b', 1);

    await profiles.touchMany(
      WS,
      [
        { profileId: 'prof_a', min: 500, max: 600 },
        { profileId: 'prof_b', min: 300, max: 700 },
        { profileId: 'prof_a', min: 100, max: 200 },
        { profileId: 'prof_c', min: 20, max: 30 },
        { profileId: 'prof_d', min: 60, max: 80 },
        { profileId: 'prof_e', min: 70, max: 75 },
        { profileId: 'prof_missing', min: 1, max: 2 },
      ],
      10,
    );

    const seen = async (ws: string, id: string): Promise<unknown[]> => {
      const p = await profiles.get(ws, id);
      return [p?.id, p?.firstSeenAt, p?.lastSeenAt, p?.updatedAt];
    };
    expect(await seen(WS, 'prof_a')).toEqual(['prof_a', 100, 600, 10]);
    expect(await seen(WS, 'prof_b')).toEqual(['prof_b', 300, 700, 10]);
    expect(await seen(WS, 'prof_e')).toEqual(['prof_e', 20, 80, 10]);
    expect(await seen('ws_other', 'prof_b')).toEqual(['prof_b', null, null, 1]);
    expect(await profiles.get(WS, 'prof_missing')).toBeUndefined();
    await profiles.touchMany(WS, [], 11);
    expect(await seen(WS, 'prof_a')).toEqual(['prof_a', 100, 600, 10]);
  });

  it('round-trips the subscription state with its consent preferences', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    const subscription = {
      state: 'unsubscribed' as const,
      changedAt: 1234,
      reason: 'sendgrid:unsubscribe',
      consent: { marketing: false, analytics: true },
    };
    await profiles.setSubscription(WS, 'prof_a', subscription, 2);
    expect((await profiles.get(WS, 'prof_a'))?.subscription).toEqual(subscription);
  });

  it('merges one profile into another: identities, events and traits move, the survivor wins', async () => {
    const store = getStore();
    const { profiles, events } = store;
    await profiles.create(WS, 'prof_anon', 1);
    await profiles.create(WS, 'prof_user', 2);
    await profiles.addIdentity(WS, 'prof_anon', 'anonymous_id', 'anon-1', 1);
    await profiles.addIdentity(WS, 'prof_user', 'user_id', 'u1', 2);
    await profiles.mergeTraits(WS, 'prof_anon', { city: 'Paris', plan: 'free' }, 3);
    await profiles.mergeTraits(WS, 'prof_user', { plan: 'pro' }, 3);
    await profiles.touchMany(WS, [{ profileId: 'prof_anon', min: 100, max: 100 }], 3);
    await profiles.touchMany(WS, [{ profileId: 'prof_user', min: 200, max: 200 }], 3);
    await events.append([makeEvent({ messageId: 'm1', profileId: 'prof_anon' }), makeEvent({ messageId: 'm2', profileId: 'prof_user' })]);

    await profiles.merge(WS, 'prof_anon', 'prof_user', 10);

    const survivor = await profiles.get(WS, 'prof_user');
    expect(survivor?.traits).toEqual({ city: 'Paris', plan: 'pro' });
    expect(survivor?.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(['anonymous_id:anon-1', 'user_id:u1']);
    expect([survivor?.firstSeenAt, survivor?.lastSeenAt]).toEqual([100, 200]);
    expect(await profiles.findByIdentity(WS, 'anonymous_id', 'anon-1')).toBe('prof_user');
    expect((await events.historyOf(WS, 'prof_user')).map((e) => e.messageId).sort()).toEqual(['m1', 'm2']);
    expect(await events.historyOf(WS, 'prof_anon')).toEqual([]);
    expect(await profiles.count(WS)).toBe(1);
    expect((await profiles.list(WS, null, 10)).map((p) => p.id)).toEqual(['prof_user']);
  });

  it('follows merges when reading by an old id, across a chain of merges', async () => {
    const { profiles } = getStore();
    for (const id of ['prof_1', 'prof_2', 'prof_3']) await profiles.create(WS, id, 1);
    await profiles.addIdentity(WS, 'prof_1', 'anonymous_id', 'anon-1', 1);
    await profiles.mergeTraits(WS, 'prof_3', { tier: 'gold' }, 2);
    await profiles.merge(WS, 'prof_1', 'prof_2', 3);
    await profiles.merge(WS, 'prof_2', 'prof_3', 4);
    const viaOldest = await profiles.get(WS, 'prof_1');
    expect(viaOldest?.id).toBe('prof_3');
    expect(viaOldest?.traits).toEqual({ tier: 'gold' });
    expect(viaOldest?.mergedInto).toBeNull();
    expect(await profiles.findByIdentity(WS, 'anonymous_id', 'anon-1')).toBe('prof_3');
    // Writes through an old id land on the survivor too.
    await profiles.mergeTraits(WS, 'prof_1', { vip: true }, 5);
    await profiles.touchMany(WS, [{ profileId: 'prof_2', min: 777, max: 777 }], 6);
    const subscription = { state: 'subscribed' as const, changedAt: 6, reason: 'test', consent: {} };
    await profiles.setSubscription(WS, 'prof_1', subscription, 6);
    const survivor = await profiles.get(WS, 'prof_3');
    expect(survivor?.traits).toEqual({ tier: 'gold', vip: true });
    expect([survivor?.firstSeenAt, survivor?.lastSeenAt]).toEqual([777, 777]);
    expect(survivor?.subscription).toEqual(subscription);
  });

  it('treats merging a profile into itself, directly or through a merge, as a no-op', async () => {
    const { profiles } = getStore();
    await profiles.create(WS, 'prof_a', 1);
    await profiles.create(WS, 'prof_b', 1);
    await profiles.merge(WS, 'prof_a', 'prof_b', 2);
    await profiles.merge(WS, 'prof_a', 'prof_b', 3);
    await profiles.merge(WS, 'prof_b', 'prof_b', 3);
    expect((await profiles.get(WS, 'prof_a'))?.id).toBe('prof_b');
    expect(await profiles.count(WS)).toBe(1);
  });

  it('lists live profiles in id order, page by page, with their identities', async () => {
    const { profiles } = getStore();
    for (const id of ['prof_c', 'prof_a', 'prof_e', 'prof_b', 'prof_d']) {
      await profiles.create(WS, id, 1);
      await profiles.addIdentity(WS, id, 'user_id', `u-${id}`, 1);
    }
    await profiles.create('ws_other', 'prof_0', 1);
    const first = await profiles.list(WS, null, 2);
    const second = await profiles.list(WS, first.at(-1)?.id ?? null, 2);
    const third = await profiles.list(WS, second.at(-1)?.id ?? null, 2);
    expect([first, second, third].map((page) => page.map((p) => p.id))).toEqual([
      ['prof_a', 'prof_b'],
      ['prof_c', 'prof_d'],
      ['prof_e'],
    ]);
    expect(third[0]?.identities).toEqual([{ kind: 'user_id', value: 'u-prof_e', firstSeenAt: 1 }]);
    expect(await profiles.count(WS)).toBe(5);
  });

  it('keeps the same identity in two workspaces on two separate profiles', async () => {
    const { profiles } = getStore();
    await profiles.create('ws_a', 'prof_a', 1);
    await profiles.create('ws_b', 'prof_b', 1);
    await profiles.addIdentity('ws_a', 'prof_a', 'email', 'same@example.com', 1);
    await profiles.addIdentity('ws_b', 'prof_b', 'email', 'same@example.com', 1);
    expect(await profiles.findByIdentity('ws_a', 'email', 'same@example.com')).toBe('prof_a');
    expect(await profiles.findByIdentity('ws_b', 'email', 'same@example.com')).toBe('prof_b');
  });

  it('loses no trait when many updates of one profile run concurrently', async () => {
    const store = getStore();
    await store.profiles.create(WS, 'prof_a', 1);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.profiles.mergeTraits(WS, 'prof_a', { [`k${i}`]: i }, 2);
          await tx.profiles.touchMany(WS, [{ profileId: 'prof_a', min: 100 + i, max: 100 + i }], 2);
        }),
      ),
    );
    const profile = await store.profiles.get(WS, 'prof_a');
    expect(Object.keys(profile?.traits ?? {}).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
    expect([profile?.firstSeenAt, profile?.lastSeenAt]).toEqual([100, 111]);
  });

  it('lists the ids merged into a survivor, earlier merges included, and none for a profile nobody merged into', async () => {
    const { profiles } = getStore();
    for (const id of ['prof_a', 'prof_b', 'prof_c', 'prof_d']) await profiles.create(WS, id, 1);
    await profiles.create('ws_other', 'prof_x', 1);
    await profiles.create('ws_other', 'prof_d', 1);
    await profiles.merge(WS, 'prof_b', 'prof_c', 2);
    await profiles.merge(WS, 'prof_c', 'prof_d', 3);
    await profiles.merge('ws_other', 'prof_x', 'prof_d', 3);
    expect(await profiles.mergedInto(WS, 'prof_d')).toEqual(['prof_b', 'prof_c']);
    expect(await profiles.mergedInto(WS, 'prof_c')).toEqual([]);
    expect(await profiles.mergedInto(WS, 'prof_a')).toEqual([]);
    expect(await profiles.mergedInto('ws_other', 'prof_d')).toEqual(['prof_x']);
  });
}
