import { describe, expect, it } from 'vitest';
import { parseAlertRuleInput } from './alert-rule.js';

const dest = { kind: 'webhook', url: 'https://hooks.example.com/a' };

describe('parseAlertRuleInput', () => {
  it('accepts a segment rule and a workspace rule with their tuning', () => {
    expect(parseAlertRuleInput({ name: ' VIP ', kind: 'segment_size_change', segment: 'VIP', threshold: 50, baselineHours: 6, destination: dest })).toEqual({
      ok: true,
      value: { name: 'VIP', kind: 'segment_size_change', segment: 'VIP', params: { threshold: 50, baselineHours: 6 }, destination: { kind: 'webhook', url: 'https://hooks.example.com/a' } },
    });
    expect(parseAlertRuleInput({ name: 'fails', kind: 'delivery_failure_rate', threshold: 20, windowMinutes: 30, minAttempts: 5, destination: { kind: 'slack', url: 'https://hooks.slack.com/x' } }).ok).toBe(true);
  });

  it.each([
    [null, 'body'],
    [{ name: '', kind: 'no_events', threshold: 5, destination: dest }, 'name'],
    [{ name: 'x', kind: 'weather', threshold: 5, destination: dest }, 'kind'],
    [{ name: 'x', kind: 'segment_stale', threshold: 5, destination: dest }, 'segment'],
    [{ name: 'x', kind: 'no_events', segment: 'VIP', threshold: 5, destination: dest }, 'segment'],
    [{ name: 'x', kind: 'no_events', destination: dest }, 'threshold'],
    [{ name: 'x', kind: 'delivery_failure_rate', threshold: 150, destination: dest }, 'threshold'],
    [{ name: 'x', kind: 'no_events', threshold: Number.NaN, destination: dest }, 'threshold'],
    [{ name: 'x', kind: 'segment_size_change', segment: 'VIP', threshold: 50, baselineHours: 0, destination: dest }, 'baselineHours'],
    [{ name: 'x', kind: 'no_events', threshold: 5 }, 'destination'],
    [{ name: 'x', kind: 'no_events', threshold: 5, destination: { kind: 'email', url: 'https://a' } }, 'destination.kind'],
    [{ name: 'x', kind: 'no_events', threshold: 5, destination: { kind: 'slack', url: 'file:///etc/passwd' } }, 'destination.url'],
    [{ name: 'x', kind: 'no_events', threshold: 5, destination: dest, extra: 1 }, 'extra'],
  ])('refuses %j at %s', (body, field) => {
    const result = parseAlertRuleInput(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.field).toBe(field);
  });
});
