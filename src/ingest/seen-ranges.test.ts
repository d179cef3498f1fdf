import { describe, expect, it } from 'vitest';
import { MergeLog } from './merge-log.js';
import { SeenRanges } from './seen-ranges.js';

describe('SeenRanges', () => {
  it('keeps the earliest and latest time per profile and groups them by workspace', () => {
    const seen = new SeenRanges();
    seen.add('ws_a', 'prof_1', 50);
    seen.add('ws_a', 'prof_1', 10);
    seen.add('ws_a', 'prof_1', 30);
    seen.add('ws_b', 'prof_2', 7);
    expect(seen.size).toBe(2);
    expect(seen.byWorkspace(new MergeLog())).toEqual(
      new Map([
        ['ws_a', [{ profileId: 'prof_1', min: 10, max: 50 }]],
        ['ws_b', [{ profileId: 'prof_2', min: 7, max: 7 }]],
      ]),
    );
  });

  it('joins the ranges of profiles merged in the group on their survivor', () => {
    const seen = new SeenRanges();
    seen.add('ws_a', 'prof_anon', 5);
    seen.add('ws_a', 'prof_user', 20);
    const merges = new MergeLog();
    merges.record('prof_anon', 'prof_user');
    expect(seen.byWorkspace(merges)).toEqual(new Map([['ws_a', [{ profileId: 'prof_user', min: 5, max: 20 }]]]));
  });
});
