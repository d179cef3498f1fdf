import { describe, expect, it } from 'vitest';
import { simulateWorkflow, type SimulationResult } from './simulate-workflow.js';
import { DAY, HOUR, MINUTE, T0, membership, track, traits, workflow } from './testing/workflow-fixtures.js';

/** `[stepId, outcome, offset from T0]` of the first run's path, skipping the trigger entry. */
function path(r: SimulationResult, run = 0): [string, string, number][] {
  return (r.runs[run]?.path ?? []).filter((p) => p.outcome !== 'entered').map((p) => [p.stepId, p.outcome, p.at - T0]);
}
const sent = (r: SimulationResult): [string, number][] => r.actions.map((a) => [a.stepId, a.at - T0]);

const cart = workflow(`
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
`);

describe('workflow scenarios on simulated time', () => {
  it('wait ends exactly at its instant, not a millisecond earlier', () => {
    const r = simulateWorkflow(cart, [track('Product Added', 0, { cart_id: 'c1' })], { until: T0 + HOUR - 1 });
    expect(sent(r)).toEqual([]);
    const later = simulateWorkflow(cart, [track('Product Added', 0, { cart_id: 'c1' })], { until: T0 + HOUR });
    expect(sent(later)).toEqual([['r1', HOUR]]);
  });

  it('cart abandonment sends at 1h, 24h and 72h and completes', () => {
    const r = simulateWorkflow(cart, [track('Product Added', 0, { cart_id: 'c1' })]);
    expect(sent(r)).toEqual([['r1', HOUR], ['r2', DAY], ['r3', 3 * DAY]]);
    expect(r.runs[0]?.state).toMatchObject({ status: 'ended', exitCause: 'completed' });
  });

  it('a goal reached during a wait exits at the instant of the order', () => {
    const r = simulateWorkflow(cart, [track('Product Added', 0, { cart_id: 'c1' }), track('Order Completed', 5 * HOUR)]);
    expect(sent(r)).toEqual([['r1', HOUR]]);
    expect(r.runs[0]?.state).toMatchObject({ status: 'ended', exitCause: 'goal', at: T0 + 5 * HOUR });
  });

  it('keyed event triggers give one run per cart, and a duplicate cart does not start a second run', () => {
    const r = simulateWorkflow(cart, [
      track('Product Added', 0, { cart_id: 'c1' }),
      track('Product Added', MINUTE, { cart_id: 'c2' }),
      track('Product Added', 2 * MINUTE, { cart_id: 'c1' }),
    ], { until: T0 + 2 * HOUR });
    expect(r.runs.map((x) => x.key)).toEqual(['c1', 'c2']);
    expect(r.refused).toEqual([{ key: 'c1', at: T0 + 2 * MINUTE }]);
  });

  it('exit_when takes the person out mid-wait when they leave the trigger segment', () => {
    const w = workflow(`
name: lapsed
trigger: { entered: Lapsed }
exit_when: performed("Order Completed", within 90d)
steps:
  - { id: wait, wait: 30d }
  - { id: winback, webhook: mail }
`);
    const r = simulateWorkflow(w, [membership('entered', 'Lapsed', 0), track('Order Completed', 10 * DAY), membership('exited', 'Lapsed', 10 * DAY)]);
    expect(sent(r)).toEqual([]);
    expect(r.runs[0]?.state).toMatchObject({ exitCause: 'exit_when', at: T0 + 10 * DAY });
  });

  it('exit_when that becomes true by time alone exits at that instant (no event arrives)', () => {
    const w = workflow(`
name: quiet
trigger: { event: Signed Up }
exit_when: not performed("Signed Up", within 2d)
steps:
  - { id: wait, wait: 7d }
  - { id: hello, webhook: mail }
`);
    const r = simulateWorkflow(w, [track('Signed Up', 0)]);
    expect(r.runs[0]?.state).toMatchObject({ exitCause: 'exit_when', at: T0 + 2 * DAY });
  });

  it('if / then / else records the branch taken with the rule and its values at that instant', () => {
    const w = workflow(`
name: loyal
trigger: { event: Signed Up }
steps:
  - { id: wait, wait: 30d }
  - id: check
    if: count("Email Opened", within 30d) >= 3 and performed("Order Completed", within 30d)
    then: [{ id: loyal, set_trait: { stage: loyal } }]
    else: [{ id: reengage, webhook: mail }]
`);
    const engaged = simulateWorkflow(w, [track('Signed Up', 0), track('Email Opened', DAY), track('Email Opened', 2 * DAY), track('Email Opened', 3 * DAY), track('Order Completed', 4 * DAY)]);
    expect(path(engaged).map((p) => p.slice(0, 2))).toEqual([['wait', 'waiting'], ['wait', 'waited'], ['check', 'then'], ['loyal', 'action'], ['(end)', 'completed']]);
    expect(engaged.actions[0]).toMatchObject({ kind: 'set_trait', traits: { stage: 'loyal' }, at: T0 + 30 * DAY });
    const branch = engaged.runs[0]?.path.find((p) => p.stepId === 'check');
    expect(branch?.values?.[0]).toMatchObject({ value: true });
    expect(branch?.values?.map((v) => v.text).join(' | ')).toContain('= 3');
    const idle = simulateWorkflow(w, [track('Signed Up', 0), track('Email Opened', DAY)]);
    expect(sent(idle)).toEqual([['reengage', 30 * DAY]]);
  });

  it('wait_until an event continues the moment it arrives, else takes on_timeout at the timeout', () => {
    const w = workflow(`
name: wu
trigger: { event: Signed Up }
steps:
  - id: w
    wait_until: { event: Profile Completed, timeout: 2d }
    on_timeout: [{ id: nudge, webhook: mail }]
  - { id: thanks, webhook: mail }
`);
    const fast = simulateWorkflow(w, [track('Signed Up', 0), track('Profile Completed', 3 * HOUR)]);
    expect(sent(fast)).toEqual([['thanks', 3 * HOUR]]);
    const slow = simulateWorkflow(w, [track('Signed Up', 0), track('Profile Completed', 3 * DAY)]);
    expect(sent(slow)).toEqual([['nudge', 2 * DAY], ['thanks', 2 * DAY]]);
  });

  it('wait_until a rule that becomes true by time alone continues at that instant', () => {
    const w = workflow(`
name: wr
trigger: { event: Signed Up }
steps:
  - id: w
    wait_until: { rule: first_seen before 3d ago, timeout: 10d }
  - { id: hello, webhook: mail }
`);
    const r = simulateWorkflow(w, [track('Signed Up', 0)]);
    expect(sent(r)).toEqual([['hello', 3 * DAY]]);
  });

  it('goto loops through a wait, and an exit step ends the run', () => {
    const w = workflow(`
name: loop
trigger: { event: Signed Up }
steps:
  - { id: tick, wait: 1d }
  - id: enough
    if: performed("Stop", within 30d)
    then: [{ id: bye, exit: true }]
  - { id: ping, webhook: mail }
  - { id: again, goto: tick }
`);
    const r = simulateWorkflow(w, [track('Signed Up', 0), track('Stop', 2 * DAY + HOUR)]);
    expect(sent(r)).toEqual([['ping', DAY], ['ping', 2 * DAY]]);
    expect(r.runs[0]?.state).toMatchObject({ exitCause: 'exit_step', at: T0 + 3 * DAY });
    // Every action of a loop has its own idempotency id.
    expect(new Set(r.actions.map((a) => a.id)).size).toBe(2);
  });

  it("quiet hours hold a send across midnight in the person's time zone until the window opens", () => {
    const w = workflow(`
name: qh
trigger: { event: Product Added }
quiet_hours: { start: "21:00", end: "08:00" }
steps:
  - { id: w, wait: 1h }
  - { id: r, webhook: mail }
`);
    // 12:30 UTC + 1h = 13:30 UTC = 22:30 in Tokyo (UTC+9): held until 08:00 Tokyo = 23:00 UTC.
    const r = simulateWorkflow(w, [traits({ timezone: 'Asia/Tokyo' }, 0), track('Product Added', 12 * HOUR + 30 * MINUTE)]);
    expect(sent(r)).toEqual([['r', 23 * HOUR]]);
    expect(path(r).map((p) => p[1])).toEqual(['waiting', 'waited', 'held', 'action', 'completed']);
    // The same in UTC is 13:30: not quiet.
    const utc = simulateWorkflow(w, [track('Product Added', 12 * HOUR + 30 * MINUTE)]);
    expect(sent(utc)).toEqual([['r', 13 * HOUR + 30 * MINUTE]]);
  });

  it('a frequency cap across workflows skips sends beyond it', () => {
    const w = workflow(`
name: fc
trigger: { event: Product Added }
frequency_cap: { max: 3, within: 7d }
steps:
  - { id: a, webhook: mail }
  - { id: w, wait: 1d }
  - { id: b, webhook: mail }
`);
    // Two sends by other workflows this week: one more is allowed, the second is capped.
    const r = simulateWorkflow(w, [track('Product Added', 0)], { sends: [T0 - DAY, T0 - 2 * DAY] });
    expect(sent(r)).toEqual([['a', 0]]);
    expect(path(r).find((p) => p[0] === 'b')?.[1]).toBe('capped');
  });

  it('re_entry never refuses a second entry, always allows it after the run, after D allows it D after entry', () => {
    const base = (policy: string): ReturnType<typeof workflow> =>
      workflow(`
name: re
trigger: { entered: Active }
re_entry: ${policy}
steps: [{ id: w, wait: 1d }]
`);
    const scenario = [membership('entered', 'Active', 0), membership('entered', 'Active', HOUR), membership('entered', 'Active', 2 * DAY), membership('entered', 'Active', 12 * DAY)];
    expect(simulateWorkflow(base('never'), scenario).runs.map((r) => r.enteredAt - T0)).toEqual([0]);
    expect(simulateWorkflow(base('always'), scenario).runs.map((r) => r.enteredAt - T0)).toEqual([0, 2 * DAY, 12 * DAY]);
    expect(simulateWorkflow(base('"after 10d"'), scenario).runs.map((r) => r.enteredAt - T0)).toEqual([0, 12 * DAY]);
  });

  it("wait until a local time of day waits for 09:00 in the person's zone", () => {
    const w = workflow(`
name: morning
trigger: { event: Signed Up }
steps:
  - { id: w, wait: { until: "09:00" } }
  - { id: hi, webhook: mail }
`);
    const r = simulateWorkflow(w, [traits({ timezone: 'America/New_York' }, 0), track('Signed Up', 20 * HOUR)]);
    // 20:00 UTC on 2 March = 15:00 EST; next 09:00 EST = 14:00 UTC on 3 March.
    expect(sent(r)).toEqual([['hi', DAY + 14 * HOUR]]);
  });
});
