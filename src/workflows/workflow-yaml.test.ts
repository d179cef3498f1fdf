import { describe, expect, it } from 'vitest';
import { parseRule } from '../rules/index.js';
import { parseWorkflowYaml } from './workflow-yaml.js';

const segments = new Map([['Cart Abandoners', parseRule('performed("Product Added", within 3d)')]]);

const good = `name: Cart abandonment
trigger:
  event: Product Added
  key: properties.cart_id
re_entry: always
goal: performed("Order Completed", within 7d)
quiet_hours: { start: "21:00", end: "08:00" }
frequency_cap: { max: 3, within: 7d }
steps:
  - id: first
    wait: 1h
  - id: remind-1
    webhook: reminders
  - id: check
    if: traits.vip = true
    then:
      - id: vip-exit
        exit: true
  - id: loop
    wait_until: { event: Order Completed, timeout: 24h }
    on_timeout:
      - id: again
        goto: first
`;

describe('parseWorkflowYaml', () => {
  it('reads a complete workflow with every kind of step', () => {
    const r = parseWorkflowYaml(good, { segments, destinations: new Set(['reminders']) });
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.value.trigger).toMatchObject({ kind: 'event', key: ['cart_id'] });
    expect(r.value.reEntry).toEqual({ kind: 'always' });
    expect(r.value.quietHours).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
    expect(r.value.steps.map((s) => s.kind)).toEqual(['wait', 'action', 'if', 'wait_until']);
  });

  it('points a rule error at the exact line and column of the rule text', () => {
    const text = good.replace('if: traits.vip = true', 'if: traits.vip == true');
    const r = parseWorkflowYaml(text, { destinations: new Set(['reminders']) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const p = r.problems.find((x) => x.code.startsWith('RULE'));
    expect(p).toMatchObject({ path: 'steps[2].if', line: 15 });
    // "    if: traits.vip == true": the rule starts at column 9, "==" at 9 + 11.
    expect(p?.column).toBe(20);
  });

  it('reports an unknown segment, an unknown destination, an unknown goto target and a bad duration together', () => {
    const text = `name: x
trigger: { entered: "Cart Abandonrs" }
steps:
  - id: a
    wait: 3 days
  - id: b
    webhook: nowhere
  - id: c
    goto: nope
`;
    const r = parseWorkflowYaml(text, { segments, destinations: new Set(['reminders']) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['WF005', 'trigger.entered', 2],
      ['WF004', 'steps[0].wait', 5],
      ['WF006', 'steps[1].webhook', 7],
      ['WF008', 'steps[2].goto', 9],
    ]);
    expect(r.problems[0]?.message).toContain('did you mean "Cart Abandoners"?');
  });

  it('refuses a workflow without steps, pointing at the empty list', () => {
    const empty = parseWorkflowYaml(`name: x\ntrigger: { event: Signed Up }\nsteps: []\n`, {});
    expect(empty.ok ? [] : empty.problems.map((p) => [p.code, p.path, p.line])).toEqual([['WF001', 'steps', 3]]);
  });

  it('refuses a goto loop without a wait but accepts one through a wait', () => {
    const loop = `name: x
trigger: { event: Signed Up }
steps:
  - id: a
    webhook: reminders
  - id: b
    goto: a
`;
    const bad = parseWorkflowYaml(loop, { destinations: new Set(['reminders']) });
    expect(bad.ok ? [] : bad.problems.map((p) => [p.code, p.path])).toEqual([['WF009', 'steps[1].goto']]);
    const fine = parseWorkflowYaml(loop.replace('webhook: reminders', 'wait: 1d'), {});
    expect(fine.ok).toBe(true);
  });

  it('reads list actions on an ESP destination, with or without a list, and refuses unknown destinations and fields', () => {
    const yaml = `name: x\ntrigger: { event: A }\nsteps:\n  - id: a\n    add_to_list: { destination: esp, list: vip }\n  - id: b\n    remove_from_list: esp\n`;
    const r = parseWorkflowYaml(yaml, { destinations: new Set(['esp']) });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.value.steps).toEqual([
      { kind: 'action', id: 'a', action: { kind: 'add_to_list', destination: 'esp', list: 'vip' } },
      { kind: 'action', id: 'b', action: { kind: 'remove_from_list', destination: 'esp', list: '' } },
    ]);
    const unknown = parseWorkflowYaml(yaml, { destinations: new Set(['espp']) });
    expect(unknown.ok ? [] : unknown.problems.map((p) => [p.code, p.line])).toEqual([
      ['WF006', 5],
      ['WF006', 7],
    ]);
    const extra = parseWorkflowYaml(yaml.replace('list: vip', 'lists: vip'), { destinations: new Set(['esp']) });
    expect(extra.ok ? [] : extra.problems.map((p) => p.code)).toEqual(['WF001']);
  });

  it('reports YAML syntax errors with their position and never throws on garbage', () => {
    const r = parseWorkflowYaml('name: [unclosed\n  - x: :');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ code: 'WF017', line: expect.any(Number) });
    for (const junk of ['', '42', '- a', 'name: x\nname: y', 'steps: {}', 'trigger: 1\nsteps: []\nname: 1']) {
      expect(parseWorkflowYaml(junk).ok).toBe(false);
    }
  });

  it('refuses unknown fields with a suggestion, wrong re_entry and time zones', () => {
    const r = parseWorkflowYaml(`name: x\ntrigger: { event: A }\nre_entry: sometimes\ntimezone: Mars/Base\nstep: []\nsteps:\n  - id: a\n    wait: 1d\n`);
    expect(r.ok ? [] : r.problems.map((p) => p.code).sort()).toEqual(['WF002', 'WF013', 'WF014']);
  });
});
