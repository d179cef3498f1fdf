import { describe, expect, it } from 'vitest';
import { parseRule } from '../parser/index.js';
import { lintRule } from './index.js';

function lint(text: string): string[] {
  return lintRule(parseRule(text)).map((d) => `${d.code} ${d.message}`);
}

function fixes(text: string): string[] {
  return lintRule(parseRule(text)).map((d) => d.fix?.replacement ?? '(none)');
}

describe('lintRule', () => {
  it('is silent on a well-formed rule', () => {
    expect(lint('performed("Email Opened", within 7d) and rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%')).toEqual([]);
  });

  it('flags a trigger without a time window and suggests one', () => {
    expect(lint('performed("Email Opened")')).toEqual([
      'RULE3001 performed("Email Opened") has no time window, so it stays true forever once it happens; add one such as within 30d.',
    ]);
    expect(fixes('performed("Email Opened")')).toEqual(['performed("Email Opened", within 30d)']);
  });

  it('flags a count without a window but not a deliberate "never did"', () => {
    expect(fixes('count("Product Viewed") >= 2')).toEqual(['count("Product Viewed", within 30d) >= 2']);
    expect(lint('not performed("Order Completed") and first_seen before 30d ago')).toEqual([]);
    expect(lint('count("Order Completed") = 0 and first_seen before 30d ago')).toEqual([]);
  });

  it('flags numeric and equality contradictions between traits', () => {
    expect(lint('traits.age > 30 and traits.age < 20')).toEqual([
      'RULE3002 These conditions can never all hold: traits.age > 30 and traits.age < 20. The segment will always be empty.',
    ]);
    expect(lint('traits.city = "a" and traits.city = "b"').map((l) => l.slice(0, 8))).toEqual(['RULE3002']);
    expect(lint('traits.city = "a" and traits.city not in ["a", "c"]').map((l) => l.slice(0, 8))).toEqual(['RULE3002']);
    expect(lint('traits.age >= 30 and traits.age <= 30')).toEqual([]);
    expect(lint('traits.age > 30 and traits.age <= 30').map((l) => l.slice(0, 8))).toEqual(['RULE3002']);
  });

  it('flags a condition and its negation together', () => {
    expect(lint('in_segment("VIP") and not in_segment("VIP")').map((l) => l.slice(0, 8))).toEqual(['RULE3002']);
    expect(lint('in_segment("VIP") or not in_segment("VIP")').map((l) => l.slice(0, 8))).toEqual(['RULE3003']);
  });

  it('flags exists-or-missing as a tautology', () => {
    expect(lint('traits.email exists or traits.email is missing')).toEqual([
      'RULE3003 This condition always holds: traits.email exists or traits.email is missing. Remove it.',
    ]);
  });

  it('flags a rate without a minimum denominator and suggests min 5', () => {
    expect(fixes('rate("Email Opened" / "Email Delivered", within 30d) < 10%')).toEqual([
      'rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%',
    ]);
  });

  it('flags a negation-only rule that matches brand-new profiles and suggests a first_seen guard', () => {
    expect(lint('not performed("Order Completed", within 30d)')).toEqual([
      'RULE3005 not performed("Order Completed", within 30d) also matches profiles created moments ago; add first_seen before 30d ago if you mean people who had the chance.',
    ]);
    expect(fixes('subscribed and count("Order Completed", within 90d) = 0')).toEqual([
      'subscribed and count("Order Completed", within 90d) = 0 and first_seen before 90d ago',
    ]);
    expect(lint('not performed("Order Completed", within 30d) and first_seen before 30d ago')).toEqual([]);
  });

  it('flags a condition made redundant by an overlapping window', () => {
    expect(lint('performed("A", within 7d) and performed("A", within 30d)')).toEqual([
      'RULE3006 performed("A", within 30d) is implied by performed("A", within 7d); remove the redundant one.',
    ]);
    expect(fixes('performed("A", within 7d) and performed("A", within 30d)')).toEqual(['performed("A", within 7d)']);
    expect(fixes('performed("A", within 7d) or performed("A", within 30d) or subscribed')).toEqual([
      'performed("A", within 30d) or subscribed',
    ]);
    expect(lint('count("A", within 7d) >= 3 and count("A", within 30d) > 1').map((l) => l.slice(0, 8))).toEqual(['RULE3006']);
    expect(lint('count("A", within 7d) >= 3 and count("A", within 30d) > 3')).toEqual([]);
    expect(lint('performed("A", within 7d) and performed("B", within 30d)')).toEqual([]);
  });

  it('reports every finding with the span of the condition concerned', () => {
    const [d] = lintRule(parseRule('subscribed and performed("Email Opened")'));
    expect(d?.span).toMatchObject({ line: 1, column: 16 });
  });
});

describe('lintRule on very long chains', () => {
  it('skips pairwise checks past the operand limit but still flags each operand', () => {
    const long = Array.from({ length: 100 }, () => 'performed("A", within 7d)').join(' and ');
    expect(lintRule(parseRule(long)).filter((d) => d.code === 'RULE3006')).toEqual([]);
    const missing = Array.from({ length: 100 }, () => 'performed("A")').join(' and ');
    expect(lintRule(parseRule(missing)).filter((d) => d.code === 'RULE3001')).toHaveLength(100);
  });
});
