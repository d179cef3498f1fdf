import { describe, expect, it } from 'vitest';
import { formatRuleText } from './index.js';

describe('formatRuleText', () => {
  it('keeps comment lines above and below the rule and ends with one newline', () => {
    expect(formatRuleText('# name: VIP\n\n  in_segment( "A" )   \n# end\n\n')).toEqual({
      ok: true,
      text: '# name: VIP\nin_segment("A")\n# end\n',
      changed: true,
    });
  });

  it('reports an already formatted file as unchanged', () => {
    expect(formatRuleText('subscribed\n')).toEqual({ ok: true, text: 'subscribed\n', changed: false });
  });

  it('refuses to drop a comment written inside the rule', () => {
    const r = formatRuleText('subscribed # why\n  and email_eligible\n');
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([['RULE1028', 1, 12]]);
  });

  it('returns the parse diagnostics of text that does not parse', () => {
    const r = formatRuleText('subscribed and');
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(['RULE1011']);
  });
});
