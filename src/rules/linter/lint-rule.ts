import { assertNever } from '../../core/index.js';
import type { Condition, Duration, MetricNode, Span, Window, WithinWindow } from '../ast/index.js';
import { durationMs } from '../ast/index.js';
import { diagnostic, type Diagnostic, type DiagnosticCode, type DiagnosticFix } from '../diagnostics.js';
import { printCondition, printDuration, printRule } from '../printer/index.js';
import { contradicts, isTautology } from './contradiction.js';
import { implies } from './implies.js';

/** and/or chains longer than this skip the pairwise checks (contradiction, tautology, redundancy). */
export const MAX_PAIRWISE_OPERANDS = 64;

/** The window suggested when a trigger has none. */
const DEFAULT_WINDOW: WithinWindow = { kind: 'within', duration: { amount: 30, unit: 'd' } };

/**
 * Flags the pitfalls that make segments noisy or wrong, each a warning with a suggested fix: triggers and
 * aggregates without a time window, contradictions and tautologies, rates without a minimum denominator,
 * negation-only rules that also match brand-new profiles, and conditions made redundant by another.
 */
export function lintRule(condition: Condition): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(condition, false, out);
  negationOnly(condition, out);
  return out.sort((a, b) => (a.span?.offset ?? 0) - (b.span?.offset ?? 0));
}

function warn(out: Diagnostic[], code: DiagnosticCode, args: readonly string[], span: Span | undefined, fix?: DiagnosticFix): void {
  out.push(diagnostic(code, args, { span, fix }));
}

function walk(c: Condition, negated: boolean, out: Diagnostic[]): void {
  switch (c.kind) {
    case 'and':
    case 'or':
      for (const x of c.conditions) walk(x, negated, out);
      pairs(c, out);
      return;
    case 'not':
      walk(c.condition, !negated, out);
      return;
    case 'performed':
    case 'first_performed':
      // `not performed("X")` ("never did X") is a deliberate all-time condition, not a forgotten window.
      if (!c.window && !negated) {
        const fixed = { ...c, window: DEFAULT_WINDOW };
        warn(out, 'RULE3001', [printCondition(c)], c.span, { description: 'Add a time window', replacement: printCondition(fixed) });
      }
      return;
    case 'metric':
      metric(c, out);
      return;
    case 'trait':
    case 'lapsed':
    case 'sequence':
    case 'seen':
    case 'in_segment':
    case 'subscription':
    case 'consent':
    case 'experiment_arm':
      return;
    default:
      assertNever(c);
  }
}

function metric(c: MetricNode, out: Diagnostic[]): void {
  const m = c.metric;
  if (m.kind === 'score') return;
  // `count(E) = 0` is "never did E", as deliberate as `not performed(E)`.
  if (!m.window && !isZeroCount(c)) {
    const fixed: MetricNode = { ...c, metric: { ...m, window: DEFAULT_WINDOW } };
    warn(out, 'RULE3001', [printCondition(c)], c.span, { description: 'Add a time window', replacement: printCondition(fixed) });
  }
  if (m.kind === 'rate' && (m.minDenominator === undefined || m.minDenominator < 2)) {
    const fixed: MetricNode = { ...c, metric: { ...m, minDenominator: 5 } };
    warn(out, 'RULE3004', [], c.span, { description: 'Require a minimum denominator', replacement: printCondition(fixed) });
  }
}

/** Contradictions, tautologies and redundancy between the operands of one and/or node. */
function pairs(c: Condition & { kind: 'and' | 'or' }, out: Diagnostic[]): void {
  const xs = c.conditions;
  // Pairwise checks are quadratic; a machine-generated chain this long is not what they are for, and a
  // 64 KiB rule of thousands of operands must not cost seconds of validation.
  if (xs.length > MAX_PAIRWISE_OPERANDS) return;
  const redundant = new Set<number>();
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const a = xs[i]!;
      const b = xs[j]!;
      if (c.kind === 'and' && contradicts(a, b)) {
        warn(out, 'RULE3002', [`${printCondition(a)} and ${printCondition(b)}`], spanOf(a, b));
      }
      if (c.kind === 'or' && isTautology(a, b)) {
        warn(out, 'RULE3003', [`${printCondition(a)} or ${printCondition(b)}`], spanOf(a, b));
      }
      // In `and` the weaker operand adds nothing; in `or` the stronger one does.
      const [drop, keep] =
        c.kind === 'and'
          ? implies(a, b) ? [j, i] : implies(b, a) ? [i, j] : [-1, -1]
          : implies(a, b) ? [i, j] : implies(b, a) ? [j, i] : [-1, -1];
      if (drop < 0 || redundant.has(drop) || redundant.has(keep)) continue;
      redundant.add(drop);
      const dropped = xs[drop]!;
      const kept = xs[keep]!;
      const rest = xs.filter((_, k) => k !== drop);
      const replacement: Condition = rest.length === 1 ? rest[0]! : { kind: c.kind, conditions: rest };
      warn(out, 'RULE3006', [printCondition(dropped), printCondition(kept)], dropped.span, {
        description: `Remove ${printCondition(dropped)}`,
        replacement: printRule(replacement),
      });
    }
  }
}

function spanOf(a: Condition, b: Condition): Span | undefined {
  if (!a.span || !b.span) return a.span ?? b.span;
  const end = Math.max(a.span.offset + a.span.length, b.span.offset + b.span.length);
  return { ...a.span, length: end - a.span.offset };
}

/** True for conditions about what the profile did (or when it was seen): they need a history to hold. */
function behavioural(c: Condition): boolean {
  return (
    c.kind === 'performed' ||
    c.kind === 'first_performed' ||
    c.kind === 'lapsed' ||
    c.kind === 'metric' ||
    c.kind === 'sequence' ||
    c.kind === 'seen'
  );
}

function windowReach(w: Window | undefined): Duration | undefined {
  if (!w) return undefined;
  switch (w.kind) {
    case 'within':
    case 'before':
      return w.duration;
    case 'between':
      return w.from;
    default:
      return assertNever(w);
  }
}

/** `count(…) = 0`, `< 1`, `<= 0`: "did not", written as a count. */
function isZeroCount(c: Condition): boolean {
  if (c.kind !== 'metric' || c.metric.kind !== 'count') return false;
  const v = c.value.value;
  return (c.op === '=' && v === 0) || (c.op === '<' && v <= 1) || (c.op === '<=' && v < 1);
}

/**
 * A rule whose behavioural parts are all negative ("did not buy within 30d") also matches a profile created a
 * second ago. Without a positive behavioural condition — typically `first_seen before 30d ago` — warn.
 */
function negationOnly(c: Condition, out: Diagnostic[]): void {
  const conjuncts = c.kind === 'and' ? c.conditions : [c];
  if (conjuncts.some((x) => behavioural(x) && !isZeroCount(x))) return;
  const negations = conjuncts.filter((x) => (x.kind === 'not' && behavioural(x.condition)) || isZeroCount(x));
  const first = negations[0];
  if (!first) return;
  let reach: Duration | undefined;
  for (const n of negations) {
    const inner = n.kind === 'not' ? n.condition : n;
    const w =
      inner.kind === 'metric' && inner.metric.kind !== 'score'
        ? windowReach(inner.metric.window)
        : inner.kind === 'performed' || inner.kind === 'first_performed' || inner.kind === 'seen'
          ? windowReach(inner.window)
          : undefined;
    if (w && (!reach || durationMs(w) > durationMs(reach))) reach = w;
  }
  reach ??= DEFAULT_WINDOW.duration;
  const guard: Condition = { kind: 'seen', which: 'first', window: { kind: 'before', duration: reach } };
  const replacement: Condition = { kind: 'and', conditions: [...conjuncts, guard] };
  warn(out, 'RULE3005', [printCondition(first), printDuration(reach)], first.span, {
    description: `Only count profiles seen more than ${printDuration(reach)} ago`,
    replacement: printRule(replacement),
  });
}

