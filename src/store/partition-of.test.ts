import { describe, expect, it } from 'vitest';
import { partitionOf, profileHash } from './partition-of.js';

describe('partitionOf', () => {
  it('hashes with FNV-1a over UTF-8, matching the published test vectors', () => {
    expect(profileHash('')).toBe(0x811c9dc5);
    expect(profileHash('a')).toBe(0xe40c292c);
    expect(profileHash('foobar')).toBe(0xbf9cf968);
  });

  it('puts every profile in partition 0 of a one-partition log and spreads ids over sixteen', () => {
    expect(partitionOf('anyone', 1)).toBe(0);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`prof_${i}`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
});
