import { afterEach, expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { WorkflowHarness, WS } from './testing/workflow-harness.js';
import { loadWorkflowYaml } from './workflow-yaml.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const DRAFT = loadWorkflowYaml(`
name: cart draft
trigger: { event: Product Added, key: properties.sku }
goal: performed("Order Completed", within 3d)
steps:
  - { id: wait-1h, wait: 1h }
  - id: big
    if: count("Product Added", within 1d) >= 2
    then: [{ id: vip-nudge, webhook: mail }]
    else: [{ id: nudge, webhook: mail }]
  - { id: wait-1d, wait: 1d }
  - { id: last-call, webhook: mail }
`);

describeEachStore('workflow backtest', (getStore) => {
  let h: WorkflowHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('replays the stored events of the last days through a draft: entries, each step (also untaken ones), actions and ends', async () => {
    h = new WorkflowHarness(getStore());
    const t = h;
    await t.start();
    // Before the window: ignored as triggers.
    await t.track('old', 'Product Added', { sku: 'a' });
    await t.advance(10 * DAY);
    // ann adds one product and buys 2 hours later (goal after the first nudge); bob adds one and never buys.
    await t.track('ann', 'Product Added', { sku: 'a' });
    await t.advance(2 * HOUR);
    await t.track('ann', 'Order Completed');
    await t.track('bob', 'Product Added', { sku: 'b' });
    await t.advance(3 * DAY);
    if (!DRAFT.ok) throw new Error('draft');
    const r = await t.service.backtest(WS, DRAFT.data, 5);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ people: 2, runs: 2, truncated: false });
    expect(r.value.reached).toEqual({ 'wait-1h': 2, big: 2, 'vip-nudge': 0, nudge: 2, 'wait-1d': 2, 'last-call': 1 });
    expect(r.value.actions).toEqual({ nudge: 2, 'last-call': 1 });
    expect(r.value.ended).toEqual({ goal: 1, completed: 1 });
    // Nothing ran for real: a backtest has no side effects.
    expect(t.ports.sent).toEqual([]);
    const stats = await t.service.stats(WS, 'cart draft');
    expect(stats.ok).toBe(false);
  });
});
