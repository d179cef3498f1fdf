import { expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { MembershipRepoSql, RECORD_CHUNK } from './membership-repo-sql.js';
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

  it('writes the final state of a key entered, exited and re-entered within one batch, logging every change', async () => {
    const repo = new MembershipRepoSql(getStore().sql);
    await repo.record([change('p1', 'entered', 1), change('p3', 'entered', 2)], 5);
    const last = await repo.record(
      [
        change('p1', 'exited', 10),
        change('p1', 'entered', 11),
        change('p2', 'entered', 12),
        change('p2', 'exited', 13),
        change('p3', 'exited', 14),
        change('p3', 'entered', 15),
        change('p3', 'exited', 16),
        change('p4', 'entered', 17),
        change('p4', 'entered', 18),
      ],
      20,
    );
    expect(await repo.members('seg_1', null, 10)).toEqual([
      { segmentId: 'seg_1', profileId: 'p1', since: 11 },
      { segmentId: 'seg_1', profileId: 'p4', since: 18 },
    ]);
    const changes = await new SqlChangeLog(getStore().sql).read(2, 100);
    expect(changes.map((c) => [c.profileId, c.kind, c.at])).toEqual([
      ['p1', 'exited', 10],
      ['p1', 'entered', 11],
      ['p2', 'entered', 12],
      ['p2', 'exited', 13],
      ['p3', 'exited', 14],
      ['p3', 'entered', 15],
      ['p3', 'exited', 16],
      ['p4', 'entered', 17],
      ['p4', 'entered', 18],
    ]);
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => 3 + i));
    expect(last).toBe(11);
  });

  it('records a batch larger than a chunk with seqs in write order and the final state per key', async () => {
    const repo = new MembershipRepoSql(getStore().sql);
    const n = RECORD_CHUNK * 2 + 77;
    // Profiles cycle through 300 keys, so keys are entered and exited across chunk boundaries.
    const writes = Array.from({ length: n }, (_, i) => change(`p${String(i % 300).padStart(3, '0')}`, i % 7 === 3 ? 'exited' : 'entered', i));
    const last = await repo.record(writes, 1);
    const changes = await new SqlChangeLog(getStore().sql).read(0, n + 10);
    expect(changes.map((c) => c.at)).toEqual(writes.map((w) => w.at));
    expect(changes.map((c) => c.seq)).toEqual(writes.map((_, i) => (changes[0]?.seq ?? 0) + i));
    expect(last).toBe(changes[n - 1]?.seq);
    const final = new Map<string, number>();
    for (const w of writes) {
      if (w.kind === 'entered') final.set(w.profileId, w.at);
      else final.delete(w.profileId);
    }
    const expected = [...final].sort(([a], [b]) => (a < b ? -1 : 1)).map(([profileId, since]) => ({ segmentId: 'seg_1', profileId, since }));
    expect(await repo.members('seg_1', null, 1000)).toEqual(expected);
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
