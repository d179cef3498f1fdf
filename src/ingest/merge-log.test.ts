import { describe, expect, it } from 'vitest';
import { MergeLog } from './merge-log.js';

describe('MergeLog', () => {
  it('follows a chain of merges to the surviving profile', () => {
    const merges = new MergeLog();
    expect(merges.empty).toBe(true);
    merges.record('prof_a', 'prof_b');
    merges.record('prof_b', 'prof_c');
    expect(merges.empty).toBe(false);
    expect(merges.survivor('prof_a')).toBe('prof_c');
    expect(merges.survivor('prof_b')).toBe('prof_c');
    expect(merges.survivor('prof_c')).toBe('prof_c');
    expect(merges.survivor('prof_other')).toBe('prof_other');
  });
});
