import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import type { Segment } from '../../core/index.js';
import { MembershipRepoSql } from '../../membership/index.js';
import { evaluate, toRuleJson } from '../../rules/index.js';
import type { Condition } from '../../rules/index.js';
import { arbitraryCondition, EVENT_NAME_POOL } from '../../rules/testing/index.js';
import { partitionOf } from '../../store/index.js';
import { createTestPostgresStore, createTestSqliteStore, testStoreKinds } from '../../store/testing/index.js';
import { EngineSegmentService } from '../engine-segment-service.js';
import { historyFromEvents } from '../state/history-from-events.js';
import { EngineHarness, TEST_WORKSPACE } from '../testing/engine-harness.js';
import { conditionOf } from '../workspace-rules.js';
import { BackfillRepoSql } from './backfill-repo-sql.js';
import { compareProfileIds } from './compare-profile-ids.js';

const T0 = Date.UTC(2026, 0, 1);
const PROFILES = ['p1', 'p2', 'p3', 'p4', 'p5'] as const;

type Step =
  | { kind: 'track'; profile: number; name: string; skewMs: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'slice'; profile: number }
  | { kind: 'restart' };

const track = fc.record({
  kind: fc.constant('track' as const),
  profile: fc.integer({ min: 0, max: PROFILES.length - 1 }),
  name: fc.constantFrom(...EVENT_NAME_POOL),
  skewMs: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * 86_400_000 }) }),
});
const during: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: track },
  // Split over partitions, a slice runs in the engine of that profile's partition (one profile per slice).
  { weight: 4, arbitrary: fc.integer({ min: 0, max: PROFILES.length - 1 }).map((profile): Step => ({ kind: 'slice', profile })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 * 86_400_000 }).map((ms): Step => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'restart' }) },
);

/**
 * S is live before and after; N is created mid-run in S's exclusive group, above it, so S is backfilled with it.
 * Events, clock advances, slices and restarts then interleave at random. After every step, for every profile:
 * where the backfill has passed, N and S hold what the reference evaluator says now; where it has not, they still
 * hold what they held when the backfill started; O (an unrelated segment) always holds the reference's value.
 * Each (segment, profile) alternates entered / exited in the change log, and once the backfill is done every
 * membership is the reference's.
 *
 * `split`: the same over one engine per partition of a 16-partition PostgreSQL log, as a cluster runs them: the
 * save starts one checkpoint per partition, a slice step runs in the engine of one profile's partition, and
 * "passed" is judged by that partition's checkpoint.
 */
async function runScenario(rules: readonly Condition[], before: readonly Step[], steps: readonly Step[], layout: 'single' | 'split' = 'single'): Promise<void> {
  const pg = layout === 'split' ? await createTestPostgresStore() : undefined;
  const store = pg?.store ?? (await createTestSqliteStore());
  const split = pg === undefined ? undefined : await store.events.partitions();
  const h = new EngineHarness(store, new FakeClock(T0), { backfill: { auto: false, profiles: 1 } }, split);
  const engineOf = (profile: number) => h.engines[split === undefined ? 0 : partitionOf(PROFILES[profile] as string, split)] ?? h.engine;
  try {
    const [sRule, nRule, oRule] = rules as [Condition, Condition, Condition];
    await h.segment('S', sRule, { group: 'g', priority: 1 });
    await h.segment('O', oRule);
    await h.start();
    let n = 0;
    const apply = async (s: Step): Promise<void> => {
      if (s.kind === 'track') await h.submit(PROFILES[s.profile] as string, s.name, { time: h.clock.now() - s.skewMs, messageId: `m${++n}` });
      else if (s.kind === 'advance') await h.advance(s.ms);
      else if (s.kind === 'restart') await h.restart();
      else await engineOf(s.profile).backfillSlice();
    };
    for (const s of before) await apply(s);
    const repo = new MembershipRepoSql(store.sql);
    const membersOf = async (id: string): Promise<Set<string>> => new Set((await repo.members(id, null, 1000)).map((m) => m.profileId));
    const frozenS = await membersOf('seg_S');
    const service = new EngineSegmentService(store, h.segmentEngine(), h.changeLog);
    const created = await service.create(TEST_WORKSPACE, { name: 'N', rule: toRuleJson(nRule) as { version: number; condition: unknown }, group: 'g', priority: 2 }, { wait: false });
    if (!created.ok) return; // a rule the checker refuses (e.g. a contradiction it rejects) says nothing here
    const nId = created.value.id;
    const n2 = conditionOf(created.value as Segment);
    const env = { segments: new Map([['S', sRule], ['N', n2], ['O', oRule]]) };
    const sMember: Condition = { kind: 'and', conditions: [sRule, { kind: 'not', condition: n2 }] };
    const jobs = new BackfillRepoSql(store.sql);

    const check = async (label: string, final: boolean): Promise<void> => {
      const stored = (await store.events.readLog(0, 1_000_000)).filter((e) => e.workspaceId === TEST_WORKSPACE);
      const t = h.clock.now();
      const job = await jobs.get(nId);
      const parts = await jobs.parts(nId);
      expect(parts.length, 'one checkpoint per partition').toBe(split ?? 0);
      const checkpointOf = (p: string) => (split === undefined ? job : parts.find((c) => c.part === partitionOf(p, split)));
      const passed = (p: string): boolean =>
        final || job?.state === 'done' || checkpointOf(p)?.state === 'done' || compareProfileIds(p, checkpointOf(p)?.afterProfile ?? '') <= 0;
      const [n, s, o] = [await membersOf(nId), await membersOf('seg_S'), await membersOf('seg_O')];
      for (const p of PROFILES.filter((q) => stored.some((e) => e.profileId === q))) {
        const history = historyFromEvents(stored.filter((e) => e.profileId === p));
        expect(o.has(p), `O ${p} ${label}`).toBe(evaluate(oRule, history, t, env));
        if (passed(p)) {
          expect(n.has(p), `N ${p} ${label}`).toBe(evaluate(n2, history, t, env));
          expect(s.has(p), `S ${p} ${label}`).toBe(evaluate(sMember, history, t, env));
        } else {
          expect(n.has(p), `N ${p} frozen ${label}`).toBe(false);
          expect(s.has(p), `S ${p} frozen ${label}`).toBe(frozenS.has(p));
        }
      }
      const kinds = new Map<string, string[]>();
      for (const c of await h.changes()) kinds.set(`${c.segmentId} ${c.profileId}`, [...(kinds.get(`${c.segmentId} ${c.profileId}`) ?? []), c.kind]);
      for (const [key, list] of kinds) {
        expect(list.every((k, i) => k === (i % 2 === 0 ? 'entered' : 'exited')), `${key} alternates ${label}`).toBe(true);
      }
    };
    await check('at the start', false);
    for (const [i, s] of steps.entries()) {
      await apply(s);
      await check(`after step ${i} ${JSON.stringify(s)}`, false);
    }
    for (const e of h.engines) while (await e.backfillSlice());
    // The last partition to finish its part marked the job done.
    expect((await jobs.get(nId))?.state).toBe('done');
    expect((await service.backfill(TEST_WORKSPACE, nId))?.state).toBe('done');
    await check('after the backfill', true);
  } finally {
    await h.stop();
    if (pg !== undefined) await pg.dispose();
    else await store.close();
  }
}

describe('a background backfill agrees with the reference evaluator whatever the interleaving', () => {
  it('keeps passed profiles exact, frozen ones untouched and unrelated segments exact, for random rules, events, clock advances, slices and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitraryCondition({ maxDepth: 2, exclude: ['in_segment'] }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.oneof(track, fc.integer({ min: 1, max: 86_400_000 }).map((ms): Step => ({ kind: 'advance', ms }))), { minLength: 3, maxLength: 12 }),
        fc.array(during, { minLength: 3, maxLength: 25 }),
        (rules, before, steps) => runScenario(rules, before, steps),
      ),
      { numRuns: Number(process.env.SEGFLOW_PROPERTY_RUNS ?? 30) },
    );
  }, 600_000);
});

describe.runIf(testStoreKinds().includes('postgres'))('a background backfill split across partitions agrees with the reference evaluator', () => {
  it('keeps passed profiles exact, frozen ones untouched and unrelated segments exact with one engine and one checkpoint per partition of a 16-partition log', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitraryCondition({ maxDepth: 2, exclude: ['in_segment'] }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.oneof(track, fc.integer({ min: 1, max: 86_400_000 }).map((ms): Step => ({ kind: 'advance', ms }))), { minLength: 3, maxLength: 12 }),
        fc.array(during, { minLength: 3, maxLength: 25 }),
        (rules, before, steps) => runScenario(rules, before, steps, 'split'),
      ),
      // Each run creates a PostgreSQL schema and sixteen engines: fewer runs than on one engine.
      { numRuns: Number(process.env.SEGFLOW_SPLIT_PROPERTY_RUNS ?? 8) },
    );
  }, 900_000);
});
