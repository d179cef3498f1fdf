import { expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { MembershipRepoSql } from './membership-repo-sql.js';
import type { MembershipWrite } from './membership-write.js';
import { SqlChangeLog } from './sql-change-log.js';

const change = (profileId: string, kind: 'entered' | 'exited', at: number, workspaceId = 'ws_a'): MembershipWrite => ({
  workspaceId,
  segmentId: 'seg_1',
  segmentVersion: 3,
  profileId,
  kind,
  at,
  cause: { kind: 'event', eventId: `m_${at}` },
});

describeEachStore('membership repo and change log', (getStore) => {
  it('moves member rows and appends change-log entries together, with seq, version, instant and cause', async () => {
    const repo = new MembershipRepoSql(getStore().sql);
    const last = await repo.record([change('p1', 'entered', 10), change('p2', 'entered', 11), change('p1', 'exited', 12)], 99);
    expect(await repo.members('seg_1', null, 10)).toEqual([{ segmentId: 'seg_1', profileId: 'p2', since: 11 }]);
    const log = new SqlChangeLog(getStore().sql);
    const changes = await log.read(0, 10);
    expect(changes.map((c) => [c.seq, c.profileId, c.kind, c.at, c.recordedAt, c.segmentVersion, c.cause])).toEqual([
      [changes[0]?.seq, 'p1', 'entered', 10, 99, 3, { kind: 'event', eventId: 'm_10' }],
      [(changes[0]?.seq ?? 0) + 1, 'p2', 'entered', 11, 99, 3, { kind: 'event', eventId: 'm_11' }],
      [last, 'p1', 'exited', 12, 99, 3, { kind: 'event', eventId: 'm_12' }],
    ]);
    expect(await log.head()).toBe(last);
  });

  it('reads the change log by cursor and by workspace', async () => {
    const repo = new MembershipRepoSql(getStore().sql);
    await repo.record([change('p1', 'entered', 1, 'ws_a'), change('p2', 'entered', 2, 'ws_b'), change('p3', 'entered', 3, 'ws_a')], 5);
    const log = new SqlChangeLog(getStore().sql);
    const first = await log.read(0, 1);
    expect(first.map((c) => c.profileId)).toEqual(['p1']);
    expect((await log.read(first[0]?.seq ?? 0, 10)).map((c) => c.profileId)).toEqual(['p2', 'p3']);
    expect((await log.read(0, 10, 'ws_a')).map((c) => c.profileId)).toEqual(['p1', 'p3']);
  });

  it('pages members in profile order with counts and per-profile lookups', async () => {
    const repo = new MembershipRepoSql(getStore().sql);
    await repo.record(['c', 'a', 'b'].map((p, i) => change(p, 'entered', i)), 5);
    expect((await repo.members('seg_1', null, 2)).map((m) => m.profileId)).toEqual(['a', 'b']);
    expect((await repo.members('seg_1', 'b', 2)).map((m) => m.profileId)).toEqual(['c']);
    expect(await repo.count('seg_1')).toBe(3);
    expect(await repo.membershipsOf('a')).toEqual(new Map([['seg_1', 1]]));
    expect((await repo.membershipsOfMany(['a', 'zz'])).get('zz')).toEqual(new Map());
  });

  it('tells in-process listeners about new changes until they unsubscribe', async () => {
    const log = new SqlChangeLog(getStore().sql);
    const heard: number[] = [];
    const off = log.onAppended((seq) => heard.push(seq));
    log.notifyAppended(4);
    off();
    log.notifyAppended(5);
    expect(heard).toEqual([4]);
  });
});
