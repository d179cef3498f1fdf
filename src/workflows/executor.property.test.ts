import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../rules/index.js';
import { parseWorkflow } from './parse-workflow.js';
import { simulateWorkflow } from './simulate-workflow.js';
import { referenceRun } from './testing/reference-interpreter.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5);

interface Counter {
  n: number;
}

const ruleArb = fc.oneof(
  fc.tuple(fc.constantFrom('A', 'B', 'G'), fc.integer({ min: 1, max: 90 })).map(([e, w]) => `performed("${e}", within ${w}m)`),
  fc.tuple(fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 5, max: 120 })).map(([e, n, w]) => `count("${e}", within ${w}m) >= ${n}`),
  fc.constantFrom('not performed("B", within 30m)', 'performed("A")'),
);

function stepsArb(depth: number): fc.Arbitrary<unknown[]> {
  const leaf = fc.oneof(
    fc.integer({ min: 1, max: 60 }).map((m) => ({ wait: `${m}m` })),
    fc.constant({ webhook: 'mail' }),
    fc.constant({ set_trait: { seen: true } }),
    fc.constant({ exit: true }),
  );
  const step = depth <= 0 ? leaf : fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: fc.tuple(ruleArb, stepsArb(depth - 1), stepsArb(depth - 1)).map(([rule, then, otherwise]) => ({ if: rule, then, else: otherwise })) });
  return fc.array(step, { minLength: 1, maxLength: 5 });
}

function withIds(steps: unknown[], counter: Counter): unknown[] {
  return steps.map((s) => {
    const o: Record<string, unknown> = { id: `s${++counter.n}`, ...(s as Record<string, unknown>) };
    if (Array.isArray(o.then)) o.then = withIds(o.then as unknown[], counter);
    if (Array.isArray(o.else)) o.else = withIds(o.else as unknown[], counter);
    return o;
  });
}

const workflowArb = fc
  .record({
    steps: stepsArb(2),
    goal: fc.option(ruleArb, { nil: undefined }),
    exitWhen: fc.option(ruleArb, { nil: undefined }),
  })
  .map(({ steps, goal, exitWhen }) => ({
    name: 'random',
    trigger: { event: 'Start' },
    steps: withIds(steps, { n: 0 }),
    ...(goal ? { goal } : {}),
    ...(exitWhen ? { exit_when: exitWhen } : {}),
  }));

const historyArb = fc.array(fc.tuple(fc.constantFrom('A', 'B', 'G'), fc.integer({ min: 1, max: 300 })), { maxLength: 12 }).map((xs) =>
  xs.map(([name, m], i): HistoryEvent => ({ id: `h${i}`, name, time: T0 + m * MINUTE, properties: {} })),
);

describe('the workflow executor', () => {
  it('takes the same path as a naive reference interpreter on random workflows and histories', () => {
    fc.assert(
      fc.property(workflowArb, historyArb, (source, events) => {
        const parsed = parseWorkflow(source);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        const until = T0 + 600 * MINUTE;
        const start: HistoryEvent = { id: 'start', name: 'Start', time: T0, properties: {} };
        const simulated = simulateWorkflow(parsed.value, [start, ...events].map((event) => ({ kind: 'event' as const, event })), { until });
        const reference = referenceRun(parsed.value, [start, ...events], T0, until, MINUTE);
        const run = simulated.runs[0];
        expect(simulated.runs).toHaveLength(1);
        expect(simulated.actions.map((a) => [a.stepId, a.at])).toEqual(reference.actions);
        const end = run?.state.status === 'ended' ? { cause: run.state.exitCause, at: run.state.at } : undefined;
        expect(end).toEqual(reference.end);
      }),
      { numRuns: 300 },
    );
  });
});
