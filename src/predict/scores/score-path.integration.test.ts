import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { EngineHarness, TEST_WORKSPACE } from '../../engine/testing/engine-harness.js';
import { describeEachStore } from '../../store/testing/index.js';
import { ProfileScoreRepoSql } from './profile-score-repo-sql.js';
import { ScoreWriter } from './score-writer.js';

const T0 = Date.UTC(2026, 0, 1);

async function setup(getStore: () => import('../../store/index.js').Store) {
  const clock = new FakeClock(T0);
  const h = new EngineHarness(getStore(), clock);
  await h.start();
  await h.segment('likely', 'score("churn") >= 0.7');
  const writer = new ScoreWriter(getStore(), clock);
  writer.onCommitted(() => h.engine.wake());
  const score = async (profileId: string, value: number, version = '1'): Promise<number> => {
    const report = await writer.write([{ workspaceId: TEST_WORKSPACE, profileId, model: 'churn', value, version, at: clock.now() }]);
    await h.engine.idle();
    return report.written.length;
  };
  return { h, clock, writer, score };
}

describeEachStore('the score path', (getStore) => {
  it('ignores a public track named "Score Updated": it is an ordinary event and moves no score', async () => {
    const { h } = await setup(getStore);
    await h.submit('p1', 'Score Updated', { properties: { name: 'churn', value: 0.9 } });
    expect(await h.members('likely')).toEqual([]);
    expect(await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p1')).toEqual([]);
    await h.engine.stop();
  });

  it('moves memberships when the score writer records a score, naming the score event as the cause', async () => {
    const { h, clock, score } = await setup(getStore);
    await h.submit('p1', 'Signed Up');
    clock.advance(1000);
    expect(await score('p1', 0.9)).toBe(1);
    expect(await h.members('likely')).toEqual(['p1']);
    clock.advance(1000);
    expect(await score('p1', 0.2)).toBe(1);
    expect(await h.members('likely')).toEqual([]);
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.at, c.cause.kind])).toEqual([
      ['entered', T0 + 1000, 'event'],
      ['exited', T0 + 2000, 'event'],
    ]);
    const events = await getStore().events.listByProfile(TEST_WORKSPACE, 'p1', { limit: 10 });
    const cause = changes[0]?.cause;
    expect(cause?.kind === 'event' && events.find((e) => e.messageId === cause.eventId)?.type).toBe('score');
    await h.engine.stop();
  });

  it('appends nothing when the same score is written again', async () => {
    const { h, score } = await setup(getStore);
    expect(await score('p1', 0.9)).toBe(1);
    expect(await score('p1', 0.9)).toBe(0);
    expect(await getStore().events.count(TEST_WORKSPACE)).toBe(1);
    await h.engine.stop();
  });

  it('keeps scores and memberships across a restart, and later scores still move them', async () => {
    const { h, clock, writer } = await setup(getStore);
    await writer.write([{ workspaceId: TEST_WORKSPACE, profileId: 'p1', model: 'churn', value: 0.8, version: '3', at: clock.now() }]);
    await h.engine.idle();
    await h.restart();
    expect(await h.members('likely')).toEqual(['p1']);
    const stored = await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p1');
    expect(stored.map((s) => [s.model, s.value, s.version, s.scoredAt])).toEqual([['churn', 0.8, '3', T0]]);
    clock.advance(5000);
    const again = new ScoreWriter(getStore(), clock);
    again.onCommitted(() => h.engine.wake());
    await again.write([{ workspaceId: TEST_WORKSPACE, profileId: 'p1', model: 'churn', value: 0.1, version: '3', at: clock.now() }]);
    await h.engine.idle();
    expect(await h.members('likely')).toEqual([]);
    await h.engine.stop();
  });

  it('keeps the later score in profile_scores when an older one is written after it', async () => {
    const { h, clock, writer } = await setup(getStore);
    await writer.write([{ workspaceId: TEST_WORKSPACE, profileId: 'p1', model: 'churn', value: 0.8, version: '1', at: clock.now() }]);
    await writer.write([{ workspaceId: TEST_WORKSPACE, profileId: 'p1', model: 'churn', value: 0.3, version: '1', at: clock.now() - 60_000 }]);
    await h.engine.idle();
    const stored = await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p1');
    expect(stored.map((s) => s.value)).toEqual([0.8]);
    expect(await h.members('likely')).toEqual(['p1']);
    await h.engine.stop();
  });
});
