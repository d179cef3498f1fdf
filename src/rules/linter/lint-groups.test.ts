import { describe, expect, it } from 'vitest';
import { lintExclusiveGroups } from './lint-groups.js';

describe('lintExclusiveGroups', () => {
  const tiers = [
    { name: 'Gold', group: 'tier', priority: 2 },
    { name: 'Silver', group: 'tier', priority: 1 },
    { name: 'Bronze', group: 'tier', priority: 1 },
    { name: 'Loner', group: null, priority: 1 },
    { name: 'Other group', group: 'lifecycle', priority: 1 },
  ];

  it('warns once per set of segments sharing a priority in one group, naming the tie winner', () => {
    const found = lintExclusiveGroups(tiers);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'RULE3007', severity: 'warning' });
    expect(found[0]!.message).toBe(
      'Segments "Bronze", "Silver" share priority 1 in exclusive group "tier"; on a tie the name first in alphabetical order ("Bronze") wins. Give each a different priority.',
    );
  });

  it('reports, for one saved segment, only the ties it is part of', () => {
    expect(lintExclusiveGroups(tiers, 'Gold')).toEqual([]);
    expect(lintExclusiveGroups(tiers, 'Silver')).toHaveLength(1);
  });

  it('says nothing when priorities differ or segments are in no group', () => {
    expect(lintExclusiveGroups(tiers.filter((s) => s.name !== 'Bronze'))).toEqual([]);
    expect(lintExclusiveGroups([{ name: 'A', group: null, priority: 0 }, { name: 'B', group: null, priority: 0 }])).toEqual([]);
  });
});
