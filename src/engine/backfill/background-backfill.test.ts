import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { EngineSegmentService } from '../engine-segment-service.js';
import { EngineHarness, TEST_WORKSPACE } from '../testing/engine-harness.js';
import { BackfillRepoSql } from './backfill-repo-sql.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describeEachStore('background backfill on a fake clock', (getStore) => {
  let h: EngineHarness;
  let service: EngineSegmentService;

  beforeEach(async () => {
    // One profile per slice, and slices only when the test runs them: every interleaving is spelled out.
    h = new EngineHarness(getStore(), new FakeClock(T0), { backfill: { auto: false, profiles: 1 } });
    await h.segment('openers', 'performed("Email Opened")');
    await h.start();
    service = new EngineSegmentService(getStore(), h.engine, h.changeLog);
    for (const p of ['p1', 'p2', 'p3']) await h.submit(p, 'Order Completed');
    await h.submit('p4', 'Email Opened');
  });
  afterEach(async () => {
    await h.engine.stop();
  });

  const changes = async (from = 0): Promise<string[]> => {
    const names = await service.names(TEST_WORKSPACE);
    return (await h.changes()).slice(from).map((c) => `${c.kind} ${c.profileId} ${names.get(c.segmentId) ?? c.segmentId} +${(c.at - T0) / MINUTE}m ${c.cause.kind}`);
  };
  const members = async (name: string): Promise<string[]> => {
    const page = await service.members(TEST_WORKSPACE, name, { limit: 1000 });
    return page.ok ? page.value.members.map((m) => m.profileId).sort() : [];
  };
  const create = async (name: string, rule: string): Promise<string> => {
    const result = await service.create(TEST_WORKSPACE, { name, rule }, { wait: false });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value.id;
  };
  const slice = async (): Promise<boolean> => h.engine.backfillSlice();
  const checkpoint = async (id: string): Promise<string | undefined> => (await new BackfillRepoSql(h.store.sql).get(id))?.afterProfile;

  it('counts an event that reaches a profile the backfill has not reached yet in the backfill, and one it has passed in the live path', async () => {
    const buyers = await create('buyers', 'performed("Order Completed")');
    expect(await service.backfill(TEST_WORKSPACE, 'buyers')).toMatchObject({ state: 'running', done: 0 });
    await h.advance(MINUTE);
    await slice(); // p1
    expect(await checkpoint(buyers)).toBe('p1');
    await h.advance(MINUTE);
    await h.submit('p4', 'Order Completed'); // p4 is frozen for buyers: left to the backfill
    await h.submit('p1', 'Email Opened'); // other segments are evaluated for everyone, as ever
    expect((await members('openers')).length).toBe(2);
    await slice(); // p2
    await slice(); // p3
    await h.advance(MINUTE);
    expect(await slice()).toBe(true); // p4, the last profile: one more slice finds nobody left
    expect(await slice()).toBe(false);
    await h.submit('p5', 'Order Completed'); // after the backfill: the live path
    expect((await changes()).slice(1)).toEqual([
      'entered p1 buyers +1m backfill',
      'entered p1 openers +2m event',
      'entered p2 buyers +2m backfill',
      'entered p3 buyers +2m backfill',
      'entered p4 buyers +3m backfill',
      'entered p5 buyers +3m event',
    ]);
    expect(await service.backfill(TEST_WORKSPACE, 'buyers')).toMatchObject({ state: 'done', done: 4, total: 4 });
  });

  it('restarts a backfill from the first profile when the segment is edited during it, recording the new version\'s diff', async () => {
    const buyers = await create('buyers', 'performed("Order Completed")');
    await slice(); // p1 enters under version 1
    await h.submit('p2', 'Order Completed');
    const edited = await service.update(TEST_WORKSPACE, 'buyers', { name: 'buyers', rule: 'count("Order Completed") >= 2' }, { wait: false });
    expect(edited.ok).toBe(true);
    expect(await checkpoint(buyers)).toBe('');
    while (await slice());
    expect((await changes()).slice(1)).toEqual(['entered p1 buyers +0m backfill', 'exited p1 buyers +0m rule_edit', 'entered p2 buyers +0m rule_edit']);
    expect(await members('buyers')).toEqual(['p2']);
  });

  it('resumes from the checkpoint after a restart instead of starting over', async () => {
    const buyers = await create('buyers', 'performed("Order Completed")');
    await slice();
    await slice();
    await h.restart();
    expect(await checkpoint(buyers)).toBe('p2');
    await h.engine.backfillSlice();
    while (await h.engine.backfillSlice());
    expect((await changes()).slice(1)).toEqual(['entered p1 buyers +0m backfill', 'entered p2 buyers +0m backfill', 'entered p3 buyers +0m backfill']);
  });

  it('backfills the segments that read the edited one through in_segment, and its exclusive-group peers, with it', async () => {
    await create('buyers', 'performed("Order Completed")');
    while (await slice());
    await h.segment('loyal', 'in_segment("buyers") and performed("Email Opened")');
    await h.segment('casual', 'performed("Email Opened")', { group: 'tier', priority: 1 });
    await h.submit('p1', 'Email Opened');
    await h.submit('p2', 'Order Completed');
    const before = (await h.changes()).length;
    const rule = 'count("Order Completed") >= 2';
    await service.update(TEST_WORKSPACE, 'buyers', { name: 'buyers', rule, group: 'tier', priority: 2 }, { wait: false });
    // p1 is frozen for buyers, loyal and casual alike until a slice reaches it.
    await h.submit('p1', 'Email Opened');
    expect(await changes(before)).toEqual([]);
    while (await slice());
    // p4's entry into casual: casual was saved straight into the table (no backfill) after p4's event.
    expect((await changes(before)).sort()).toEqual([
      'entered p4 casual +0m dependency',
      'exited p1 buyers +0m rule_edit',
      'exited p1 loyal +0m dependency',
      'exited p3 buyers +0m rule_edit',
    ]);
    expect([await members('buyers'), await members('casual'), await members('loyal')]).toEqual([['p2'], ['p1', 'p4'], []]);
  });

  it('exits every member of a deleted segment before its exclusive-group peer takes anyone in', async () => {
    await h.segment('big', 'performed("Order Completed")', { group: 'tier', priority: 2 });
    await h.segment('small', 'performed("Order Completed") or performed("Email Opened")', { group: 'tier', priority: 1 });
    await h.submit('p1', 'Order Completed');
    await h.submit('p4', 'Email Opened');
    const before = (await h.changes()).length;
    const deleted = await service.delete(TEST_WORKSPACE, 'big', { wait: false });
    expect(deleted.ok).toBe(true);
    while (await slice());
    const log = await changes(before);
    expect(log.filter((c) => c.startsWith('exited')).length).toBe(1); // p1 was the only member of big with an event since
    expect(log.findIndex((c) => c.startsWith('entered'))).toBeGreaterThan(log.findIndex((c) => c.includes(' big ')));
    expect(await members('small')).toEqual(['p1', 'p2', 'p3', 'p4']);
  });
});
