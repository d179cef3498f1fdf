import { expect, it } from 'vitest';
import { MembershipRepoSql, SqlChangeLog } from '../membership/index.js';
import type { MembershipWrite } from '../membership/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { SizeHistory } from './size-history.js';

const H = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

function change(profileId: string, kind: 'entered' | 'exited', segmentId = 'seg_a'): MembershipWrite {
  return { workspaceId: 'ws', segmentId, segmentVersion: 1, profileId, kind, at: T0, cause: { kind: 'backfill' } };
}

describeEachStore('segment size history', (getStore) => {
  it('folds the change log into hourly and daily sizes with entries and exits per bucket', async () => {
    const store = getStore();
    const members = new MembershipRepoSql(store.sql);
    const history = new SizeHistory(store.sql, new SqlChangeLog(store.sql), { batch: 2 });
    await members.record([change('p1', 'entered'), change('p2', 'entered'), change('p3', 'entered')], T0 + 10 * 60 * 1000);
    await members.record([change('p1', 'exited'), change('p9', 'entered', 'seg_b')], T0 + 2 * H + 5);
    await history.catchUp();

    const hours = await history.series('ws', 'seg_a', 'hour', T0, T0 + 3 * H);
    expect(hours.map((p) => [p.size, p.entered, p.exited])).toEqual([
      [3, 3, 0],
      [3, 0, 0],
      [2, 0, 1],
      [2, 0, 0],
    ]);
    const days = await history.seriesOf('ws', ['seg_a', 'seg_b', 'seg_none'], 'day', T0 - 24 * H, T0);
    expect(days.get('seg_a')!.map((p) => p.size)).toEqual([0, 2]);
    expect(days.get('seg_a')![1]).toMatchObject({ entered: 3, exited: 1 });
    expect(days.get('seg_b')!.map((p) => p.size)).toEqual([0, 1]);
    expect(days.get('seg_none')!.map((p) => p.size)).toEqual([0, 0]);
  });

  it('starts a later range from the size at the end of the last bucket before it', async () => {
    const store = getStore();
    const members = new MembershipRepoSql(store.sql);
    const history = new SizeHistory(store.sql, new SqlChangeLog(store.sql));
    await members.record([change('p1', 'entered'), change('p2', 'entered')], T0);
    await history.catchUp();
    expect((await history.series('ws', 'seg_a', 'hour', T0 + 5 * H, T0 + 6 * H)).map((p) => p.size)).toEqual([2, 2]);
  });

  it('applies each change once even when two followers run over the same log', async () => {
    const store = getStore();
    const members = new MembershipRepoSql(store.sql);
    const log = new SqlChangeLog(store.sql);
    const a = new SizeHistory(store.sql, log, { batch: 1 });
    const b = new SizeHistory(store.sql, log, { batch: 1 });
    await members.record([change('p1', 'entered'), change('p2', 'entered'), change('p3', 'entered'), change('p2', 'exited')], T0);
    await Promise.all([a.catchUp(), b.catchUp()]);
    const [point] = await a.series('ws', 'seg_a', 'hour', T0, T0);
    expect(point).toEqual({ t: T0, size: 2, entered: 3, exited: 1 });
  });
});

describeEachStore('segment size history pruning', (getStore) => {
  it('drops hourly buckets before the cut except each segment\'s last one, so old sizes still carry forward', async () => {
    const store = getStore();
    const members = new MembershipRepoSql(store.sql);
    const history = new SizeHistory(store.sql, new SqlChangeLog(store.sql));
    await members.record([change('p1', 'entered'), change('p2', 'entered')], T0 + 5);
    await members.record([change('p3', 'entered')], T0 + 3 * H + 5);
    await members.record([change('p1', 'exited')], T0 + 100 * H + 5);
    await members.record([change('q1', 'entered', 'seg_b')], T0 + 1 * H + 5);
    await history.catchUp();

    const removed = await history.pruneHourly(T0 + 50 * H);
    expect(removed).toBe(1); // seg_a's hour 0; its hour 3 stays as the last before the cut, seg_b's only bucket stays
    const hours = await history.series('ws', 'seg_a', 'hour', T0 + 60 * H, T0 + 101 * H);
    expect(hours[0]!.size).toBe(3);
    expect(hours[hours.length - 1]!.size).toBe(2);
    expect((await history.series('ws', 'seg_b', 'hour', T0 + 60 * H, T0 + 60 * H))[0]!.size).toBe(1);
    expect((await history.series('ws', 'seg_a', 'day', T0, T0 + 101 * H)).map((p) => p.size)).toEqual([3, 3, 3, 3, 2]);
    expect(await history.pruneHourly(T0 + 50 * H)).toBe(0);
  });
});
