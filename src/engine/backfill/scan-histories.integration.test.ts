import { expect, it } from 'vitest';
import type { NewEvent } from '../../core/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { scanHistories } from './scan-histories.js';

const event = (workspaceId: string, profileId: string, i: number): NewEvent => ({
  workspaceId,
  messageId: `m${i}`,
  profileId,
  type: 'track',
  name: 'Viewed',
  userId: null,
  anonymousId: profileId,
  timestamp: 1000 + i,
  receivedAt: 1000 + i,
  properties: { i },
  traits: {},
  context: {},
});

describeEachStore('scanHistories', (getStore) => {
  it('yields each profile once with its events in seq order, whatever the page size, up to the given seq', async () => {
    const store = getStore();
    // Profiles interleaved in the log, one in another workspace, sizes 1 to 7 so pages end inside profiles.
    const plan = ['pc', 'pa', 'pd', 'pa', 'pb', 'pc', 'pa', 'pd', 'pd', 'pa', 'pe', 'pd', 'pa', 'pd', 'pc', 'pa', 'pd', 'pd'];
    const events = plan.map((p, i) => event(p === 'pe' ? 'ws_other' : 'ws', p, i));
    await store.transaction((tx) => tx.events.append(events));
    await store.transaction((tx) => tx.events.append([event('ws', 'pb', 99)]));
    const stored = await store.events.readLog(0, 100);
    const upto = (stored.find((e) => e.messageId === 'm99')?.seq ?? 0) - 1;
    const expected = ['pa', 'pb', 'pc', 'pd'].map((profileId) => ({
      profileId,
      seqs: stored.filter((e) => e.workspaceId === 'ws' && e.profileId === profileId && e.seq <= upto).map((e) => e.seq),
      messageIds: stored.filter((e) => e.workspaceId === 'ws' && e.profileId === profileId && e.seq <= upto).map((e) => e.messageId),
    }));
    expect(expected.map((p) => p.seqs.length)).toEqual([6, 1, 3, 7]);
    for (const pageSize of [1, 2, 3, 5, 7, 5000]) {
      const seen: { profileId: string; seqs: number[]; messageIds: string[] }[] = [];
      for await (const { profileId, events: history } of scanHistories(store.sql, 'ws', upto, pageSize)) {
        seen.push({ profileId, seqs: history.map((e) => e.seq), messageIds: history.map((e) => e.messageId) });
      }
      expect(seen, `page size ${pageSize}`).toEqual(expected);
    }
  });
});
