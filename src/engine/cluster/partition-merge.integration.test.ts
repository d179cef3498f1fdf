import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { partitionOf } from '../../store/index.js';
import { createTestPostgresStore, testStoreKinds } from '../../store/testing/index.js';
import type { DisposableStore } from '../../store/testing/index.js';
import { EngineHarness, TEST_WORKSPACE } from '../testing/engine-harness.js';

const T0 = Date.UTC(2026, 0, 1);

describe.runIf(testStoreKinds().includes('postgres'))('identity merges across partitions', () => {
  let current: DisposableStore | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it("counts every event of a merged-away profile in another partition once, the survivor's own pending events included", async () => {
    current = await createTestPostgresStore();
    const { store } = current;
    expect(partitionOf('anon', 16)).not.toBe(partitionOf('user', 16));
    // One event per batch: each evaluation sees the store as the merge left it (a merge inside a batch that already
    // changed the survivor's membership is a separate case, see the report of issue 12).
    const h = new EngineHarness(store, new FakeClock(T0), { batchSize: 1 }, 16);
    await store.profiles.create(TEST_WORKSPACE, 'anon', T0);
    await store.profiles.create(TEST_WORKSPACE, 'user', T0);
    await h.segment('viewers', 'count("Product Viewed") >= 3');
    await h.start();
    await h.submit('anon', 'Product Viewed');
    await h.submit('user', 'Page Viewed');
    // A restart empties the engines' memory: the survivor is rebuilt from the store in the merge's batch.
    await h.restart();
    // Appended but not yet evaluated when the merge commits: one view of the survivor, then one of anon (a larger
    // seq, in anon's partition).
    const pending = (profileId: string, messageId: string) => ({
      workspaceId: TEST_WORKSPACE,
      messageId,
      profileId,
      type: 'track' as const,
      name: 'Product Viewed',
      userId: null,
      anonymousId: profileId,
      timestamp: T0,
      receivedAt: T0,
      properties: {},
      traits: {},
      context: {},
    });
    await store.events.append([pending('user', 'user-view')]);
    await store.events.append([pending('anon', 'anon-view')]);
    await store.transaction((tx) => tx.profiles.merge(TEST_WORKSPACE, 'anon', 'user', T0));
    await h.submit('user', null, { type: 'alias', userId: 'u1', anonymousId: 'anon' });
    await h.advance(1);
    expect(await h.members('viewers')).toEqual(['user']);
    expect((await h.changes()).map((c) => `${c.kind} ${c.profileId} ${c.cause.kind} ${c.cause.kind === 'event' ? c.cause.eventId : ''}`)).toEqual([
      // Entered when its own pending view is evaluated: by then the merge has given it anon's two views.
      'entered user event user-view',
    ]);
    await h.stop();
  });
});
