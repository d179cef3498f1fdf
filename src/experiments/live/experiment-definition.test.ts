import { describe, expect, it } from 'vitest';
import { parseExperimentDefinition } from './experiment-definition.js';

const valid = {
  name: 'wait',
  control: 'a',
  arms: [
    { name: 'a', rule: 'performed("X", within 1d)', weight: 1 },
    { name: 'b', rule: 'performed("X", within 2d)', weight: 1 },
  ],
  metrics: [
    { kind: 'conversion', name: 'buy', event: '"Order Completed" where total > 20', window: '7d' },
    { kind: 'rule', name: 'active', rule: 'last_seen within 7d', window: '14d' },
  ],
};

describe('parseExperimentDefinition', () => {
  it('accepts a valid definition and compiles event selectors, filters and rule metrics', () => {
    const r = parseExperimentDefinition(valid);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.metrics[0]?.selector.name).toBe('Order Completed');
    expect(r.metrics[0]?.selector.where).toBeDefined();
    expect(r.metrics[0]?.windowMs).toBe(7 * 86_400_000);
    expect(r.ruleMetrics[0]?.windowMs).toBe(14 * 86_400_000);
    expect(r.value.metrics.map((m) => m.name)).toEqual(['buy', 'active']);
  });

  it('collects every problem with its field instead of stopping at the first', () => {
    const r = parseExperimentDefinition({
      ...valid,
      wieght: 1,
      arms: [{ name: 'a', rule: 'performed(', weight: 0 }, { name: 'a', rule: 'subscribed', weight: 1, holdout: true }],
      metrics: [{ kind: 'revenue', name: 'rev', event: '"Order Completed"', window: '7d' }],
    });
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(['wieght', 'arms[0].rule', 'arms[0].weight', 'arms[1].name', 'metrics[0].property']);
  });

  it('refuses a holdout as the control', () => {
    const r = parseExperimentDefinition({ ...valid, arms: [valid.arms[0], { ...valid.arms[1], holdout: true }], control: 'b' });
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(['control']);
  });
});
