import { describe, expect, it } from 'vitest';
import { stripJsonNul, stripNul } from './strip-nul.js';

describe('stripNul', () => {
  it('replaces every NUL with U+FFFD and leaves other strings as they are', () => {
    expect(stripNul('a\0b\0')).toBe('a\ufffdb\ufffd');
    const clean = 'no nul here';
    expect(stripNul(clean)).toBe(clean);
  });
});

describe('stripJsonNul', () => {
  it('replaces the NUL escape so the JSON parses to U+FFFD', () => {
    const json = stripJsonNul(JSON.stringify({ k: 'a\0b', ['x\0']: ['\0'] }));
    expect(JSON.parse(json)).toEqual({ k: 'a\ufffdb', ['x\ufffd']: ['\ufffd'] });
  });

  it('keeps an escaped backslash followed by the letters u0000 intact', () => {
    const value = { path: 'C:\\u0000', mixed: '\\\0' };
    expect(JSON.parse(stripJsonNul(JSON.stringify(value)))).toEqual({ path: 'C:\\u0000', mixed: '\\\ufffd' });
  });
});
