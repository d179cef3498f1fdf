import { describe, expect, it } from 'vitest';
import { assignPartitions } from './assign-partitions.js';

describe('assignPartitions', () => {
  it('gives every partition to exactly one live engine process, in shares that differ by at most one', () => {
    for (const n of [1, 2, 3, 5, 16, 17]) {
      const ids = Array.from({ length: n }, (_, i) => `proc-${(i * 7) % 17}`);
      const shares = assignPartitions(16, ids);
      const all = [...shares.values()].flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 16 }, (_, i) => i));
      const sizes = [...shares.values()].map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('computes the same shares whatever order the processes are listed in', () => {
    expect(assignPartitions(8, ['b', 'a', 'c'])).toEqual(assignPartitions(8, ['c', 'b', 'a', 'a']));
    expect(assignPartitions(4, ['a', 'b'])).toEqual(
      new Map([
        ['a', [0, 2]],
        ['b', [1, 3]],
      ]),
    );
  });

  it('assigns nothing when no engine process is alive', () => {
    expect(assignPartitions(4, [])).toEqual(new Map());
  });
});
