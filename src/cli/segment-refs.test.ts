import { describe, expect, it } from 'vitest';
import type { ApiSegment } from './admin-client.js';
import { segmentIdsOf, unknownSegmentDetail } from './segment-refs.js';

const segment = (id: string, name: string): ApiSegment => ({
  id,
  name,
  description: '',
  version: 1,
  rule: 'subscribed',
  ruleJson: null,
  group: null,
  priority: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('segment references in CLI arguments', () => {
  const segments = [segment('seg_1', 'VIP'), segment('seg_2', 'Big spenders')];

  it('accepts names and ids alike and answers ids', () => {
    expect(segmentIdsOf(['VIP', 'seg_2'], segments)).toEqual({ ok: true, ids: ['seg_1', 'seg_2'] });
  });

  it('refuses an unknown name, suggesting the nearest one', () => {
    const result = segmentIdsOf(['Big spender'], segments);
    expect(result).toMatchObject({ ok: false, problem: { code: 'SEGMENT_NOT_FOUND', detail: 'no segment is named or has the id "Big spender"; did you mean "Big spenders"?' } });
  });

  it('points to the segment list when nothing is close, and says when there are no segments', () => {
    expect(unknownSegmentDetail('Churned', segments)).toBe('no segment is named or has the id "Churned" (`segflow segments` lists them)');
    expect(unknownSegmentDetail('Churned', [])).toBe('no segment is named or has the id "Churned"; there are no segments yet');
  });
});
