import { expect, it } from 'vitest';
import { describeEachStore } from '../../store/testing/index.js';
import { ReplayTokenRepo } from './replay-token-repo.js';

describeEachStore('ReplayTokenRepo', (getStore) => {
  it('claims a token once and refuses it afterwards, per provider', async () => {
    const repo = new ReplayTokenRepo(getStore().sql);
    expect(await repo.claim('mailgun', 'tok-1', 1_000)).toBe(true);
    expect(await repo.claim('mailgun', 'tok-1', 1_000)).toBe(false);
    expect(await repo.claim('other', 'tok-1', 1_000)).toBe(true);
  });

  it('lets exactly one of many concurrent claims of one token win', async () => {
    const repo = new ReplayTokenRepo(getStore().sql);
    const results = await Promise.all(Array.from({ length: 8 }, () => repo.claim('mailgun', 'race', 1_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('forgets only tokens whose window has closed', async () => {
    const repo = new ReplayTokenRepo(getStore().sql);
    await repo.claim('mailgun', 'old', 1_000);
    await repo.claim('mailgun', 'young', 5_000);
    expect(await repo.purgeExpired(2_000)).toBe(1);
    expect(await repo.claim('mailgun', 'young', 5_000)).toBe(false);
    expect(await repo.claim('mailgun', 'old', 9_000)).toBe(true);
  });
});
