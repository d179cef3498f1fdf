import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { MembershipChange } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { EngineSegmentService } from './engine-segment-service.js';
import { EngineHarness, TEST_WORKSPACE as WS } from './testing/engine-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

/**
 * Replays a change log in seq order as a consumer would (webhooks, list sync) and returns every moment at which
 * a person was in two segments of one exclusive group.
 */
function doubleMemberships(changes: readonly MembershipChange[], groupOf: ReadonlyMap<string, string>): string[] {
  const held = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const c of changes) {
    const group = groupOf.get(c.segmentId);
    if (group === undefined) continue;
    const key = `${c.profileId} ${group}`;
    const set = held.get(key) ?? new Set<string>();
    held.set(key, set);
    if (c.kind === 'exited') {
      set.delete(c.segmentId);
      continue;
    }
    set.add(c.segmentId);
    if (set.size > 1) problems.push(`seq ${c.seq}: ${c.profileId} in ${[...set].join(' and ')} (${c.cause.kind})`);
  }
  return problems;
}

describeEachStore('exclusive groups as a consumer replays them', (getStore) => {
  let h: EngineHarness;
  let service: EngineSegmentService;

  beforeEach(async () => {
    h = new EngineHarness(getStore(), new FakeClock(T0));
    service = new EngineSegmentService(getStore(), h.engine, h.changeLog);
    await h.start();
  });
  afterEach(async () => {
    await h.engine.stop();
  });

  it('writes the exit from the old segment before the entry into the new one, for events, timers, new segments and priority edits', async () => {
    const saved = async (name: string, rule: string, priority: number): Promise<string> => {
      const result = await service.create(WS, { name, rule, group: 'tier', priority });
      if (!result.ok) throw new Error(`segment ${name} not saved`);
      return result.value.id;
    };
    // `active` outranks `lapsed`: a purchase moves a person up (event), its window ending moves them down (timer).
    const lapsed = await saved('lapsed', 'performed("Signed Up")', 1);
    const active = await saved('active', 'performed("Order Completed", within 1d)', 5);
    for (const p of ['p1', 'p2', 'p3']) await h.submit(p, 'Signed Up');
    await h.submit('p1', 'Order Completed');
    await h.submit('p2', 'Order Completed');
    await h.advance(DAY);
    await h.submit('p3', 'Order Completed');
    // A new segment that outranks both takes p3 (backfill) ...
    const vip = await saved('vip', 'performed("Order Completed")', 9);
    // ... and a priority edit puts `lapsed` on top for everyone.
    const edited = await service.update(WS, 'lapsed', { name: 'lapsed', rule: 'performed("Signed Up")', group: 'tier', priority: 20 });
    expect(edited.ok).toBe(true);

    const changes = await h.changes();
    const groupOf = new Map([lapsed, active, vip].map((id) => [id, 'tier']));
    expect(doubleMemberships(changes, groupOf)).toEqual([]);
    const name = new Map([
      [lapsed, 'lapsed'],
      [active, 'active'],
      [vip, 'vip'],
    ]);
    const p1 = changes.filter((c) => c.profileId === 'p1').map((c) => `${c.kind} ${name.get(c.segmentId)} ${c.cause.kind} +${(c.at - T0) / HOUR}h`);
    expect(p1).toEqual([
      'entered lapsed event +0h',
      'exited lapsed event +0h',
      'entered active event +0h',
      'exited active timer +24h',
      'entered lapsed timer +24h',
      'exited lapsed dependency +24h',
      'entered vip backfill +24h',
      'exited vip dependency +24h',
      'entered lapsed rule_edit +24h',
    ]);
    // Within every instant, each person's exits come before their entries.
    for (const p of ['p1', 'p2', 'p3']) {
      const mine = changes.filter((c) => c.profileId === p);
      for (let i = 1; i < mine.length; i++) {
        const [a, b] = [mine[i - 1] as MembershipChange, mine[i] as MembershipChange];
        if (a.at === b.at && a.seq + 1 === b.seq) expect(`${a.kind} then ${b.kind}`).not.toBe('entered then exited');
      }
    }
  });
});
