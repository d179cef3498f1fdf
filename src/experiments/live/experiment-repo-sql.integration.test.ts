import { expect, it } from 'vitest';
import { describeEachStore } from '../../store/testing/index.js';
import type { ExperimentRecord } from './experiment-record.js';
import { ExperimentRepoSql } from './experiment-repo-sql.js';

const record = (id: string, name: string): ExperimentRecord => ({
  id,
  workspaceId: 'ws1',
  name,
  definition: { name, control: 'a', arms: [], metrics: [] },
  salt: id,
  status: 'running',
  createdAt: 1_000,
  updatedAt: 1_000,
});

describeEachStore('experiment repo', (getStore) => {
  it('saves an experiment once per name and finds it by id or name', async () => {
    const repo = new ExperimentRepoSql(getStore().sql);
    expect(await repo.insert(record('exp_1', 'first'))).toBe(true);
    expect(await repo.insert(record('exp_2', 'first'))).toBe(false);
    expect((await repo.get('ws1', 'first'))?.id).toBe('exp_1');
    expect((await repo.get('ws1', 'exp_1'))?.definition).toEqual(record('exp_1', 'first').definition);
    expect(await repo.get('ws2', 'first')).toBeUndefined();
    await repo.setStatus('exp_1', 'stopped', 2_000);
    expect(await repo.listRunning()).toEqual([]);
  });

  it('records only the first exposure of a person and returns which were new', async () => {
    const repo = new ExperimentRepoSql(getStore().sql);
    const first = await repo.recordExposures([
      { experimentId: 'e', profileId: 'p1', arm: 'a', exposedAt: 10 },
      { experimentId: 'e', profileId: 'p2', arm: 'b', exposedAt: 11 },
    ]);
    expect(first.map((x) => x.profileId)).toEqual(['p1', 'p2']);
    const again = await repo.recordExposures([{ experimentId: 'e', profileId: 'p1', arm: 'a', exposedAt: 99 }]);
    expect(again).toEqual([]);
    expect(await repo.exposuresOf(['e'], ['p1', 'p3'])).toEqual([{ experimentId: 'e', profileId: 'p1', arm: 'a', exposedAt: 10 }]);
  });

  it('counts a conversion once per metric and event, and aggregates per arm with totals per person', async () => {
    const repo = new ExperimentRepoSql(getStore().sql);
    await repo.recordExposures([
      { experimentId: 'e', profileId: 'p1', arm: 'a', exposedAt: 0 },
      { experimentId: 'e', profileId: 'p2', arm: 'a', exposedAt: 0 },
      { experimentId: 'e', profileId: 'p3', arm: 'b', exposedAt: 0 },
    ]);
    const c = (metric: string, seq: number, profileId: string, value: number) => ({ experimentId: 'e', metric, eventSeq: seq, profileId, value, at: seq });
    await repo.recordConversions([c('rev', 1, 'p1', 10), c('rev', 2, 'p1', 5), c('rev', 3, 'p3', 7), c('buy', 1, 'p1', 1), c('buy', 2, 'p1', 1)]);
    await repo.recordConversions([c('rev', 1, 'p1', 10)]);
    const byArm = Object.fromEntries((await repo.aggregate('e', ['buy', 'rev'])).map((a) => [a.arm, a]));
    expect(byArm.a).toEqual({ arm: 'a', exposures: 2, metrics: { buy: { people: 1, sum: 2, sumOfSquares: 4 }, rev: { people: 1, sum: 15, sumOfSquares: 225 } } });
    expect(byArm.b).toEqual({ arm: 'b', exposures: 1, metrics: { rev: { people: 1, sum: 7, sumOfSquares: 49 } } });
  });

  it('moves a cursor forward only', async () => {
    const repo = new ExperimentRepoSql(getStore().sql);
    expect(await repo.cursor('c')).toBe(0);
    await repo.setCursor('c', 5);
    await repo.setCursor('c', 3);
    expect(await repo.cursor('c')).toBe(5);
  });
});
