import { afterEach, expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { WorkflowHarness, WS } from './testing/workflow-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const CART = `
name: cart
trigger: { event: Product Added, key: properties.cart_id }
re_entry: always
goal: performed("Order Completed", within 30d)
steps:
  - { id: w1, wait: 1h }
  - { id: r1, webhook: mail }
  - { id: w2, wait: 23h }
  - { id: r2, webhook: mail }
  - { id: w3, wait: 48h }
  - { id: r3, webhook: mail }
`;

describeEachStore('workflow runtime', (getStore) => {
  let h: WorkflowHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });
  const harness = async (): Promise<WorkflowHarness> => {
    h = new WorkflowHarness(getStore());
    await h.start();
    return h;
  };

  it('sends the cart reminders at 1h, 24h and 72h exactly, from the event log and durable timers', async () => {
    const t = await harness();
    await t.workflow(CART);
    const start = t.clock.now();
    await t.track('u1', 'Product Added', { cart_id: 'c1' });
    await t.advance(HOUR - 1);
    expect(t.sentSteps(start)).toEqual([]);
    await t.advance(1);
    expect(t.sentSteps(start)).toEqual([['r1', HOUR]]);
    await t.advance(3 * DAY);
    expect(t.sentSteps(start).map((s) => s[0])).toEqual(['r1', 'r2', 'r3']);
    // Actions are due at their step's instant even when the runtime gets to them later.
    const stats = await t.service.stats(WS, 'cart');
    expect(stats.ok && stats.value[0]).toMatchObject({ entered: 1, active: 0, exited: { completed: 1 }, actions: { sent: 3 } });
    const runs = await t.service.runs(WS, 'cart', 'u1');
    expect(runs.ok && runs.value[0]?.actions.map((a) => a.dueAt - start)).toEqual([HOUR, DAY, 3 * DAY]);
  });

  it('puts the person on an ESP list and takes them off an hour later, each once, at its instant', async () => {
    const t = await harness();
    await t.workflow(`
name: trial list
trigger: { event: Trial Started }
steps:
  - { id: join, add_to_list: { destination: esp, list: trial } }
  - { id: w, wait: 1h }
  - { id: leave, remove_from_list: esp }
`);
    const start = t.clock.now();
    await t.track('u1', 'Trial Started');
    await t.advance(HOUR);
    await t.advance(HOUR);
    expect(t.ports.lists.map((l) => [l.destination, l.add, l.list, l.at - start])).toEqual([
      ['esp', true, 'trial', 0],
      ['esp', false, '', HOUR],
    ]);
    expect(new Set(t.ports.lists.map((l) => l.messageId)).size).toBe(2);
    const stats = await t.service.stats(WS, 'trial list');
    expect(stats.ok && stats.value[0]).toMatchObject({ entered: 1, exited: { completed: 1 }, actions: { sent: 2 } });
  });

  it('stops the series the moment the order arrives (goal during a wait) and counts the conversion', async () => {
    const t = await harness();
    await t.workflow(CART);
    await t.track('u1', 'Product Added', { cart_id: 'c1' });
    await t.advance(5 * HOUR);
    await t.track('u1', 'Order Completed');
    await t.advance(5 * DAY);
    expect(t.ports.sent.map((s) => s.payload.data.step.id)).toEqual(['r1']);
    const stats = await t.service.stats(WS, 'cart');
    expect(stats.ok && stats.value[0]).toMatchObject({ goalReached: 1, exited: { goal: 1 } });
    const runs = await t.service.runs(WS, 'cart', 'u1');
    expect(runs.ok && runs.value[0]).toMatchObject({ status: 'ended', exitCause: 'goal' });
  });

  it('starts a run when a person enters the trigger segment and branches on the membership change log', async () => {
    const t = await harness();
    await t.segment('Buyers', 'performed("Order Completed", within 30d)');
    await t.workflow(`
name: welcome-buyers
trigger: { entered: Buyers }
exit_when: not in_segment("Buyers")
steps:
  - { id: w, wait: 2d }
  - id: check
    if: count("Order Completed", within 30d) >= 2
    then: [{ id: loyal, set_trait: { stage: loyal } }]
    else: [{ id: nudge, webhook: mail }]
`);
    await t.track('u1', 'Order Completed');
    await t.track('u2', 'Order Completed');
    await t.advance(DAY);
    await t.track('u1', 'Order Completed');
    await t.advance(DAY);
    expect(t.ports.traits.map((x) => x.traits)).toEqual([{ stage: 'loyal' }]);
    expect(t.ports.sent.map((s) => s.payload.data.step.id)).toEqual(['nudge']);
    const runs = await t.service.runs(WS, 'welcome-buyers', 'u1');
    const branch = runs.ok ? runs.value[0]?.path.find((p) => p.stepId === 'check') : undefined;
    expect(branch).toMatchObject({ outcome: 'then', rule: 'count("Order Completed", within 30d) >= 2' });
    expect(branch?.values?.[0]).toMatchObject({ value: true });
  });

  it('resumes every run after a restart: waits survive and nothing is sent twice', async () => {
    const t = await harness();
    await t.workflow(CART);
    const start = t.clock.now();
    for (const u of ['u1', 'u2', 'u3']) await t.track(u, 'Product Added', { cart_id: `c-${u}` });
    await t.advance(2 * HOUR);
    await t.restart();
    await t.advance(3 * DAY);
    expect(t.ports.sent).toHaveLength(9);
    expect(new Set(t.ports.sent.map((s) => s.id)).size).toBe(9);
    // Each reminder is due at its own instant (the fake clock jumped past it; the payload says when it was due).
    const r3 = t.ports.sent.filter((s) => s.payload.data.step.id === 'r3').map((s) => Date.parse(s.payload.data.at) - start);
    expect(r3).toEqual([3 * DAY, 3 * DAY, 3 * DAY]);
  });

  it('a duplicate trigger for a "never" workflow does not start a second run', async () => {
    const t = await harness();
    await t.workflow(`
name: once
trigger: { event: Signed Up }
steps: [{ id: hi, webhook: mail }]
`);
    await t.track('u1', 'Signed Up');
    await t.track('u1', 'Signed Up');
    await t.advance(HOUR);
    expect(t.ports.sent).toHaveLength(1);
  });

  it('pausing holds everyone at their step, resuming continues, archiving exits everyone', async () => {
    const t = await harness();
    await t.workflow(CART);
    await t.track('u1', 'Product Added', { cart_id: 'c1' });
    await t.service.setPaused(WS, 'cart', true);
    await t.advance(2 * HOUR);
    expect(t.ports.sent).toHaveLength(0);
    await t.service.setPaused(WS, 'cart', false);
    await t.settle();
    expect(t.ports.sent.map((s) => s.payload.data.step.id)).toEqual(['r1']);
    const archived = await t.service.archive(WS, 'cart');
    expect(archived.ok && archived.value.exited).toBe(1);
    await t.advance(5 * DAY);
    expect(t.ports.sent).toHaveLength(1);
  });

  it('an edit makes a new version; people inside finish on theirs unless migrated with a step mapping', async () => {
    const t = await harness();
    await t.workflow(CART);
    await t.track('u1', 'Product Added', { cart_id: 'c1' });
    await t.workflow(CART.replace('{ id: r1, webhook: mail }', '{ id: r1-new, webhook: mail }'));
    const view = await t.service.get(WS, 'cart');
    expect(view.ok && view.value.currentVersion).toBe(2);
    await t.track('u2', 'Product Added', { cart_id: 'c2' });
    await t.advance(HOUR);
    expect(t.ports.sent.map((s) => [s.payload.data.step.id, s.payload.data.workflow.version]).sort()).toEqual([['r1', 1], ['r1-new', 2]]);
    // the preview shows the step mapping and how many people move, and moves nobody
    const preview = await t.service.migrate(WS, 'cart', 1, {}, { dryRun: true });
    expect(preview.ok ? preview.value : preview.error).toEqual({ migrated: 1, dryRun: true, steps: [{ from: 'w2', to: 'w2', people: 1, keepWait: 1 }] });
    const stillOld = await t.service.runs(WS, 'cart', 'u1');
    expect(stillOld.ok && stillOld.value.map((r) => r.version)).toEqual([1]);
    const done = await t.service.migrate(WS, 'cart', 1, {});
    expect(done.ok ? done.value : done.error).toEqual({ migrated: 1, dryRun: false, steps: [{ from: 'w2', to: 'w2', people: 1, keepWait: 1 }] });
    const moved = await t.service.runs(WS, 'cart', 'u1');
    expect(moved.ok && moved.value.map((r) => r.version)).toEqual([2]);
  });
});
