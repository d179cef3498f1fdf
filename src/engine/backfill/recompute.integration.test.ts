import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { evaluate, parseRule } from '../../rules/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { EngineSegmentService } from '../engine-segment-service.js';
import { historyFromEvents } from '../state/history-from-events.js';
import { EngineHarness, TEST_WORKSPACE } from '../testing/engine-harness.js';

const T0 = Date.UTC(2026, 0, 1);
const PROFILES = ['p1', 'p2', 'p3', 'p4', 'p5'];

// Each rule reads a different kind of contribution, so the backfill's event selection must keep exactly those.
const RULES = [
  'performed("Page Viewed")',
  'performed("Screen Viewed")',
  'count("B") >= 2',
  'traits.age >= 25',
  'score("churn") >= 0.7',
  '"A" then not "B" within 1d',
  'not performed("B")',
  'last_seen within 1d',
];

describeEachStore('backfill of a new segment', (getStore) => {
  for (const rule of RULES) {
    it(`agrees with the reference evaluator for ${rule}`, async () => {
      const h = new EngineHarness(getStore(), new FakeClock(T0));
      await h.start();
      await h.submit('p1', 'A');
      await h.submit('p1', 'Home', { type: 'page' });
      await h.submit('p1', null, { type: 'identify', traits: { age: 30 } });
      await h.submit('p2', 'B');
      await h.submit('p2', 'Main', { type: 'screen' });
      await h.submit('p2', 'B');
      await h.submit('p2', 'churn', { type: 'score', properties: { value: 0.9 } });
      await h.submit('p3', 'Score Updated', { properties: { name: 'churn', value: 0.9 } });
      await h.submit('p3', 'Other');
      await h.submit('p4', null, { type: 'identify', traits: { age: 20 } });
      await h.submit('p4', 'churn', { type: 'score', properties: { value: 0.1 } });
      await h.submit('p4', 'A');
      await h.submit('p5', 'Page Viewed');
      await h.advance(2 * 86_400_000);
      const service = new EngineSegmentService(getStore(), h.engine, h.changeLog);
      const created = await service.create(TEST_WORKSPACE, { name: 'new', rule });
      expect(created.ok).toBe(true);
      const t = h.engine.now();
      const expected: string[] = [];
      for (const p of PROFILES) {
        if (evaluate(parseRule(rule), historyFromEvents(await getStore().events.historyOf(TEST_WORKSPACE, p)), t)) expected.push(p);
      }
      const page = await service.members(TEST_WORKSPACE, 'new', { limit: 100 });
      expect(page.ok && page.value.members.map((m) => m.profileId).sort()).toEqual(expected);
      await h.engine.stop();
    });
  }
});
