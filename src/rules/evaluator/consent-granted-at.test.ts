import { describe, expect, it } from 'vitest';
import type { ProfileHistory } from '../history.js';
import { parseRule } from '../parser/index.js';
import { printRule } from '../printer/index.js';
import { evaluate } from './evaluate.js';
import { explain } from './explain.js';
import { nextChange } from './next-change.js';

const history: ProfileHistory = {
  events: [],
  traits: [],
  consent: [
    { time: 100, categories: { Marketing: true, analytics: false } },
    { time: 200, categories: { marketing: false } },
  ],
};

describe('consent("category")', () => {
  it('parses and prints back to the same text', () => {
    expect(printRule(parseRule('consent("marketing") and not consent("analytics")'))).toBe('consent("marketing") and not consent("analytics")');
  });

  it('is true only while the category is granted, compared case-insensitively; never mentioned is not granted', () => {
    const rule = parseRule('consent("marketing")');
    expect([50, 100, 150, 200, 250].map((t) => evaluate(rule, history, t))).toEqual([false, true, true, false, false]);
    expect(evaluate(parseRule('consent("ANALYTICS")'), history, 150)).toBe(false);
    expect(evaluate(parseRule('consent("ads")'), history, 150)).toBe(false);
  });

  it('changes next at the next consent update', () => {
    expect(nextChange(parseRule('consent("marketing")'), history, 150)).toBe(200);
    expect(nextChange(parseRule('consent("marketing")'), history, 200)).toBeUndefined();
  });

  it('explains what the person said', () => {
    expect(explain(parseRule('consent("marketing")'), history, 150).text).toBe('consent("marketing"): granted');
    expect(explain(parseRule('consent("ads")'), history, 150).text).toBe('consent("ads"): never given');
  });
});
