import { describe, expect, it } from 'vitest';
import { rewritePlaceholders } from './rewrite-placeholders.js';

describe('rewritePlaceholders', () => {
  it('turns $1, $2, … in order into positional parameters bound as given', () => {
    expect(rewritePlaceholders('INSERT INTO t VALUES ($1, $2, $3)')).toEqual({
      sql: 'INSERT INTO t VALUES (?, ?, ?)',
      order: null,
    });
  });

  it('maps repeated and out-of-order placeholders to the parameter each one stands for', () => {
    expect(rewritePlaceholders('SELECT * FROM t WHERE a = $2 AND b > $12 OR a = $2 OR c = $1')).toEqual({
      sql: 'SELECT * FROM t WHERE a = ? AND b > ? OR a = ? OR c = ?',
      order: [1, 11, 1, 0],
    });
  });

  it('leaves dollar signs inside string literals untouched', () => {
    expect(rewritePlaceholders("SELECT json_extract(x, '$.a'), '$1', 'it''s $2' FROM t WHERE y = $1")).toEqual({
      sql: "SELECT json_extract(x, '$.a'), '$1', 'it''s $2' FROM t WHERE y = ?",
      order: null,
    });
  });
});
