import { expect, it } from 'vitest';
import { MembershipRepoSql } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { PeopleDirectorySql } from './people-directory-sql.js';

const T0 = Date.UTC(2026, 0, 1);

async function seed(store: Store): Promise<void> {
  await store.profiles.createWithIdentities(
    'ws',
    [
      { profileId: 'prof_ann', identities: [{ kind: 'user_id', value: 'ann-1' }, { kind: 'email', value: 'ann@example.com' }] },
      { profileId: 'prof_bob', identities: [{ kind: 'user_id', value: 'bob-2' }, { kind: 'anonymous_id', value: 'anon-bob' }] },
      { profileId: 'prof_cy', identities: [{ kind: 'anonymous_id', value: 'anon-cy' }] },
    ],
    T0,
  );
  await store.profiles.mergeTraits('ws', 'prof_ann', { city: 'Paris', plan: 'gold' }, T0);
  await store.profiles.mergeTraits('ws', 'prof_bob', { city: 'New York' }, T0);
}

describeEachStore('people directory', (getStore) => {
  it('resolves many profile ids to their userId and email in one call', async () => {
    const store = getStore();
    await seed(store);
    const people = new PeopleDirectorySql(store.sql);
    const contacts = await people.contactsOf('ws', ['prof_ann', 'prof_bob', 'prof_cy', 'prof_gone']);
    expect(Object.fromEntries(contacts)).toEqual({
      prof_ann: { userId: 'ann-1', email: 'ann@example.com' },
      prof_bob: { userId: 'bob-2', email: null },
      prof_cy: { userId: null, email: null },
      prof_gone: { userId: null, email: null },
    });
  });

  it('finds people by exact identifier, by prefix, by email in any case, and by trait', async () => {
    const store = getStore();
    await seed(store);
    const people = new PeopleDirectorySql(store.sql);
    expect((await people.search('ws', 'bob-2', 10)).map((h) => [h.profileId, h.matchedBy])).toEqual([['prof_bob', 'user_id']]);
    expect((await people.search('ws', 'ANN@example.com', 10))[0]).toMatchObject({ profileId: 'prof_ann', matchedBy: 'email', userId: 'ann-1' });
    expect((await people.search('ws', 'anon-', 10)).map((h) => h.profileId).sort()).toEqual(['prof_bob', 'prof_cy']);
    expect((await people.search('ws', 'city=Paris', 10)).map((h) => h.profileId)).toEqual(['prof_ann']);
    expect((await people.search('ws', 'new york', 10)).map((h) => [h.profileId, h.matchedBy])).toEqual([['prof_bob', 'trait']]);
    expect((await people.search('ws', 'prof_cy', 10))[0]).toMatchObject({ profileId: 'prof_cy', anonymousId: 'anon-cy', matchedBy: 'id' });
    expect(await people.search('ws', '100%_', 10)).toEqual([]);
    expect(await people.search('other', 'bob-2', 10)).toEqual([]);
  });

  it('lists the segments a person is in now with the instant they entered', async () => {
    const store = getStore();
    await seed(store);
    await store.sql.execute(
      `INSERT INTO segments (id, workspace_id, name, description, version, rule_text, rule_json, grp, priority, created_at, updated_at)
       VALUES ('seg_vip', 'ws', 'VIP', '', 1, 'last_seen within 7d', '{}', NULL, 0, $1, $1)`,
      [T0],
    );
    await new MembershipRepoSql(store.sql).record(
      [{ workspaceId: 'ws', segmentId: 'seg_vip', segmentVersion: 1, profileId: 'prof_ann', kind: 'entered', at: T0 + 5, cause: { kind: 'backfill' } }],
      T0 + 6,
    );
    const people = new PeopleDirectorySql(store.sql);
    expect(await people.segmentsOf('ws', 'prof_ann')).toEqual([{ segmentId: 'seg_vip', name: 'VIP', since: T0 + 5 }]);
    expect(await people.segmentsOf('ws', 'prof_bob')).toEqual([]);
  });
});
