import { expect, it } from 'vitest';
import { describeEachStore } from '../../store/testing/index.js';
import { TimerHeap } from './timer-heap.js';
import { TimerRepoSql } from './timer-repo-sql.js';

describeEachStore('timer repo', (getStore) => {
  it('keeps at most one timer per segment and profile, moved or removed in place', async () => {
    const repo = new TimerRepoSql(getStore().sql);
    await repo.set('ws', 'seg', 'p1', 100);
    await repo.set('ws', 'seg', 'p1', 50);
    await repo.set('ws', 'seg', 'p2', 70);
    expect(await repo.count()).toBe(2);
    expect(await repo.get('seg', 'p1')).toBe(50);
    await repo.set('ws', 'seg', 'p2', undefined);
    expect(await repo.get('seg', 'p2')).toBeUndefined();
  });

  it('arms, moves and disarms many timers in one call, as the same sets one by one would', async () => {
    const repo = new TimerRepoSql(getStore().sql);
    await repo.set('ws', 'seg', 'p1', 100);
    await repo.set('ws', 'seg', 'p2', 200);
    await repo.setMany([
      { workspaceId: 'ws', segmentId: 'seg', profileId: 'p1', dueAt: 150 },
      { workspaceId: 'ws', segmentId: 'seg', profileId: 'p2', dueAt: undefined },
      { workspaceId: 'ws', segmentId: 'seg', profileId: 'p3', dueAt: 300 },
      { workspaceId: 'ws', segmentId: 'other', profileId: 'p9', dueAt: undefined },
    ]);
    await repo.setMany([]);
    expect(await repo.count()).toBe(2);
    expect(await repo.get('seg', 'p1')).toBe(150);
    expect(await repo.get('seg', 'p2')).toBeUndefined();
    expect((await repo.dueBy(1000, 10)).map((t) => [t.workspaceId, t.segmentId, t.profileId, t.dueAt])).toEqual([
      ['ws', 'seg', 'p1', 150],
      ['ws', 'seg', 'p3', 300],
    ]);
  });

  it('reads the near horizon by due time, earliest first', async () => {
    const repo = new TimerRepoSql(getStore().sql);
    await repo.set('ws', 's1', 'p1', 300);
    await repo.set('ws', 's2', 'p1', 100);
    await repo.set('ws', 's1', 'p2', 200);
    expect((await repo.dueBy(250, 10)).map((t) => [t.segmentId, t.profileId, t.dueAt])).toEqual([
      ['s2', 'p1', 100],
      ['s1', 'p2', 200],
    ]);
    expect(await repo.ofProfile('p1')).toEqual(new Map([['s1', 300], ['s2', 100]]));
    expect((await repo.ofProfiles(['p2'])).get('p2')).toEqual(new Map([['s1', 200]]));
    await repo.deleteSegment('s1');
    expect(await repo.count()).toBe(1);
  });
});

it('pops heap timers in due order, copies included', () => {
  const heap = new TimerHeap();
  for (const due of [5, 1, 9, 3, 7, 3]) heap.push({ dueAt: due, workspaceId: 'w', segmentId: 's', profileId: `p${due}` });
  const order: number[] = [];
  for (let t = heap.pop(); t !== undefined; t = heap.pop()) order.push(t.dueAt);
  expect(order).toEqual([1, 3, 3, 5, 7, 9]);
});

it('pops many random timers in due order', () => {
  const heap = new TimerHeap();
  let seed = 7;
  const dues: number[] = [];
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    dues.push(seed % 500);
    heap.push({ dueAt: seed % 500, workspaceId: 'w', segmentId: 's', profileId: `p${i}` });
  }
  const order: number[] = [];
  for (let t = heap.pop(); t !== undefined; t = heap.pop()) order.push(t.dueAt);
  expect(order).toEqual([...dues].sort((a, b) => a - b));
});
