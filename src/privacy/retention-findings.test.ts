import { describe, expect, it } from 'vitest';
import { parseRule } from '../rules/index.js';
import { retentionFindings } from './retention-findings.js';

const findings = (rule: string, days = 90): string[] => retentionFindings(parseRule(rule), days);

describe('retention findings', () => {
  it('finds nothing in a rule that reads only recent history', () => {
    expect(findings('performed("Email Opened", within 7d) and count("Product Viewed", within 48h) >= 2 and last_seen within 30d')).toEqual([]);
  });

  it.each([
    ['sum("Order Completed".revenue, within 365d) >= 1000', 'a window of 365d reaches past the 90-day event retention'],
    ['performed("Order Completed")', 'performed(…) without a window reads all history; only 90 days of events are kept'],
    ['count("Order Completed") >= 3', 'count(…) without a window reads all history; only 90 days of events are kept'],
    ['first_seen before 30d ago', '"before 30d ago" reads events older than the 90-day event retention keeps'],
    ['lapsed("Order Completed", 30d)', 'lapsed(…) reads whether the event was ever performed; only 90 days of events are kept'],
  ])('warns on %s', (rule, message) => {
    expect(findings(rule)).toContain(message);
  });

  it('accepts a window exactly as long as the retention', () => {
    expect(findings('performed("Email Opened", within 90d)')).toEqual([]);
    expect(findings('performed("Email Opened", within 91d)')).toHaveLength(1);
  });
});
