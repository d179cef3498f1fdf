import { describe, expect, it } from 'vitest';
import { renderExplanation, renderExplanationTree, resolvedProfileLine } from './explain.js';

describe('explanation rendering', () => {
  const tree = {
    kind: 'and',
    value: false,
    text: 'all of 2',
    evidence: { kind: 'combination', holding: 1, of: 2 },
    children: [
      {
        kind: 'performed',
        value: true,
        text: 'performed("Email Opened", within 7d)',
        evidence: {
          kind: 'events',
          window: { after: Date.UTC(2026, 0, 1), upTo: Date.UTC(2026, 0, 8) },
          matched: { total: 1, events: [{ id: 'evt_1', name: 'Email Opened', time: Date.UTC(2026, 0, 7) }] },
        },
        children: [],
      },
      { kind: 'trait', value: false, text: 'traits.age >= 25', evidence: { kind: 'trait', path: ['age'], present: false }, children: [] },
    ],
  };

  it('marks holding conditions with ✓ and failing ones with ✗, children indented under their parent', () => {
    const lines = renderExplanationTree(tree);
    expect(lines[0]).toBe('✗ all of 2');
    expect(lines).toContain('  ✓ performed("Email Opened", within 7d)');
    expect(lines).toContain('  ✗ traits.age >= 25');
  });

  it('shows evidence with instants as ISO times', () => {
    const text = renderExplanationTree(tree).join('\n');
    expect(text).toContain('2026-01-07T00:00:00.000Z');
    expect(text).toContain('present: false');
  });

  it('says whether the person is in and when an exclusive group took them', () => {
    const text = renderExplanation('VIP', 'user-1', { segmentId: 'seg_1', profileId: 'prof_1', at: '2026-01-08T00:00:00.000Z', member: false, excludedBy: 'Gold', explanation: tree });
    expect(text.split('\n')[0]).toBe('user-1 is NOT in "VIP" (as of 2026-01-08T00:00:00.000Z)');
    expect(text).toContain('"Gold"');
  });
});

describe('evidence formatting', () => {
  it('writes a window as a half-open interval and lists matched events with their times', () => {
    const lines = renderExplanationTree({
      kind: 'performed',
      value: true,
      text: 'performed("Email Opened", within 30s)',
      nextChange: Date.UTC(2026, 0, 1, 0, 0, 40),
      evidence: {
        kind: 'events',
        window: { after: Date.UTC(2026, 0, 1, 0, 0, 5), upTo: Date.UTC(2026, 0, 1, 0, 0, 35) },
        matched: { total: 1, events: [{ id: 'evt_1', name: 'Email Opened', time: Date.UTC(2026, 0, 1, 0, 0, 10) }] },
      },
      children: [],
    });
    expect(lines).toEqual([
      '✓ performed("Email Opened", within 30s)',
      '    window: (2026-01-01T00:00:05.000Z, 2026-01-01T00:00:35.000Z]',
      '    matched: 1 event(s):',
      '      - Email Opened at 2026-01-01T00:00:10.000Z (evt_1)',
      '    can next change at: 2026-01-01T00:00:40.000Z',
    ]);
  });
});

describe('long evidence', () => {
  it('shows only the latest events of a long list, one per line, and rounds float noise', () => {
    const events = Array.from({ length: 8 }, (_, i) => ({ id: `evt_${i}`, name: 'Order Completed', time: Date.UTC(2026, 0, 1 + i) }));
    const lines = renderExplanationTree({
      kind: 'metric',
      value: true,
      text: 'sum',
      evidence: { kind: 'metric', measured: 5391.209999999998, matched: { total: 34, events } },
      children: [],
    });
    expect(lines).toContain('    measured: 5391.21');
    expect(lines).toContain('    matched: 34 event(s), the latest 5:');
    expect(lines.filter((l) => l.startsWith('      - Order Completed'))).toHaveLength(5);
    expect(lines.at(-1)).toBe('      - Order Completed at 2026-01-08T00:00:00.000Z (evt_7)');
  });
});

describe('the profile a reference resolved to', () => {
  it('says which profile an identifier resolves to, and that a merged-away profile id was merged', () => {
    expect(resolvedProfileLine('anon-1', 'prof_abc')).toBe('  anon-1 resolves to profile prof_abc');
    expect(resolvedProfileLine('prof_old', 'prof_abc')).toBe('  prof_old was merged into profile prof_abc; this is about prof_abc');
    expect(resolvedProfileLine('prof_abc', 'prof_abc')).toBeUndefined();
  });
});
