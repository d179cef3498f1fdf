import { describe, expect, it } from 'vitest';
import { diffLines } from './diff.js';

describe('diffLines', () => {
  it('keeps common lines and marks removed and added ones in order', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
  });

  it('rebuilds both texts: the old from same+removed, the new from same+added', () => {
    const a = 'performed("A", within 7d)\n  and traits.x = 1';
    const b = 'performed("A", within 30d)\n  and traits.x = 1\n  and not in_segment("B")';
    const d = diffLines(a, b);
    expect(d.filter((l) => l.kind !== 'added').map((l) => l.text).join('\n')).toBe(a);
    expect(d.filter((l) => l.kind !== 'removed').map((l) => l.text).join('\n')).toBe(b);
  });
});
