import { describe, expect, it } from 'vitest';
import { rewritePlaceholders } from './rewrite-placeholders.js';

describe('rewritePlaceholders', () => {
  it('turns each $N into the named parameter @pN, repeats included', () => {
    expect(rewritePlaceholders('SELECT * FROM t WHERE a = $1 AND b > $12 OR a = $1')).toBe(
      'SELECT * FROM t WHERE a = @p1 AND b > @p12 OR a = @p1',
    );
  });

  it('leaves dollar signs inside string literals untouched', () => {
    expect(rewritePlaceholders("SELECT json_extract(x, '$.a'), '$1', 'it''s $2' FROM t WHERE y = $3")).toBe(
      "SELECT json_extract(x, '$.a'), '$1', 'it''s $2' FROM t WHERE y = @p3",
    );
  });
});
