import type { Condition, EvalEnv, ProfileHistory } from '../rules/index.js';
import { evaluate, nextChange } from '../rules/index.js';

/**
 * The entries and exits of one person in a segment between `from` and `to`, by the reference semantics: the value
 * at `from`, then at each event or trait update and at each instant `nextChange` names. Used by backtests to
 * replay `entered` / `exited` triggers over stored history without the engine.
 */
export function membershipTimeline(
  condition: Condition,
  history: ProfileHistory,
  from: number,
  to: number,
  env: EvalEnv = {},
  maxSteps = 10_000,
): { kind: 'entered' | 'exited'; at: number }[] {
  const out: { kind: 'entered' | 'exited'; at: number }[] = [];
  const inputs = [...history.events.map((e) => e.time), ...history.traits.map((u) => u.time)].filter((t) => t > from && t <= to).sort((a, b) => a - b);
  let t = from;
  let member = evaluate(condition, history, t, env);
  let i = 0;
  for (let step = 0; step < maxSteps; step++) {
    const byTime = nextChange(condition, history, t, env);
    while (i < inputs.length && (inputs[i] as number) <= t) i++;
    const byInput = inputs[i];
    const next = Math.min(byTime ?? Number.POSITIVE_INFINITY, byInput ?? Number.POSITIVE_INFINITY);
    if (!Number.isFinite(next) || next > to) break;
    t = next;
    const now = evaluate(condition, history, t, env);
    if (now !== member) out.push({ kind: now ? 'entered' : 'exited', at: t });
    member = now;
  }
  return out;
}
