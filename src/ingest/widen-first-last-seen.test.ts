import { describe, expect, it } from 'vitest';
import { MergeLog } from './merge-log.js';
import { SeenRanges } from './seen-ranges.js';
import { MemoryStore } from './testing/memory-store.js';
import { widenFirstLastSeen } from './widen-first-last-seen.js';

describe('widenFirstLastSeen', () => {
  it('widens first and last seen of the surviving profiles only, never narrowing them', async () => {
    const store = new MemoryStore();
    for (const id of ['prof_anon', 'prof_user']) await store.profiles.create('ws_a', id, 1);
    await store.profiles.touchMany('ws_a', [{ profileId: 'prof_user', min: 100, max: 100 }], 1);
    await store.profiles.merge('ws_a', 'prof_anon', 'prof_user', 2);
    const seen = new SeenRanges();
    seen.add('ws_a', 'prof_anon', 40);
    seen.add('ws_a', 'prof_user', 60);
    const merges = new MergeLog();
    merges.record('prof_anon', 'prof_user');
    await widenFirstLastSeen(store.profiles, seen, merges, 3);
    expect(await store.profiles.get('ws_a', 'prof_user')).toMatchObject({ firstSeenAt: 40, lastSeenAt: 100 });
  });
});
