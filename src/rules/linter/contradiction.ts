import type { CompareOp, Condition, Literal, ValueTest } from '../ast/index.js';
import { stripSpans } from '../json/index.js';
import { printCondition } from '../printer/index.js';

/** What one operand says about one subject (a trait path or a metric): its test. */
interface SubjectTest {
  readonly key: string;
  readonly test: ValueTest;
}

function subjectTest(c: Condition): SubjectTest | undefined {
  if (c.kind === 'trait') return { key: `trait:${JSON.stringify(c.path)}`, test: c.test };
  if (c.kind === 'metric') return { key: `metric:${JSON.stringify(stripSpans(c.metric))}`, test: { kind: 'compare', op: c.op, value: c.value } };
  return undefined;
}

function same(a: Condition, b: Condition): boolean {
  return printCondition(a) === printCondition(b);
}

/** A literal's identity for equality tests (`1` and `1.0` are the same; `"1"` and `1` are not). */
export function literalKey(l: Literal): string {
  return `${l.kind}:${String(l.value)}`;
}

/** A numeric interval; `=` is a point, `!=` is not an interval (undefined). */
interface Interval {
  readonly lo: number;
  readonly loIn: boolean;
  readonly hi: number;
  readonly hiIn: boolean;
}

function interval(op: CompareOp, v: number): Interval | undefined {
  switch (op) {
    case '=':
      return { lo: v, loIn: true, hi: v, hiIn: true };
    case '<':
      return { lo: -Infinity, loIn: false, hi: v, hiIn: false };
    case '<=':
      return { lo: -Infinity, loIn: false, hi: v, hiIn: true };
    case '>':
      return { lo: v, loIn: false, hi: Infinity, hiIn: false };
    case '>=':
      return { lo: v, loIn: true, hi: Infinity, hiIn: false };
    case '!=':
      return undefined;
  }
}

function disjoint(a: Interval, b: Interval): boolean {
  const lo = a.lo > b.lo || (a.lo === b.lo && !a.loIn) ? { v: a.lo, in: a.loIn } : { v: b.lo, in: b.loIn };
  const hi = a.hi < b.hi || (a.hi === b.hi && !a.hiIn) ? { v: a.hi, in: a.hiIn } : { v: b.hi, in: b.hiIn };
  return lo.v > hi.v || (lo.v === hi.v && !(lo.in && hi.in));
}

/** True when no value can pass both tests. */
function testsConflict(x: ValueTest, y: ValueTest): boolean {
  if (x.kind === 'missing' || y.kind === 'missing') {
    const other = x.kind === 'missing' ? y : x;
    // A missing value passes no positive test; `!=` and `not in` are left to the semantics of missing values.
    return (
      other.kind === 'exists' ||
      (other.kind === 'compare' && other.op !== '!=') ||
      (other.kind === 'in' && !other.negated) ||
      other.kind === 'contains' ||
      other.kind === 'starts_with'
    );
  }
  if (x.kind === 'compare' && y.kind === 'compare') {
    if (x.op === '=' && y.op === '=') return literalKey(x.value) !== literalKey(y.value);
    if ((x.op === '=' && y.op === '!=') || (x.op === '!=' && y.op === '=')) return literalKey(x.value) === literalKey(y.value);
    if (x.value.kind === 'number' && y.value.kind === 'number') {
      const a = interval(x.op, x.value.value);
      const b = interval(y.op, y.value.value);
      return a !== undefined && b !== undefined && disjoint(a, b);
    }
    return false;
  }
  const eq = x.kind === 'compare' && x.op === '=' ? x : y.kind === 'compare' && y.op === '=' ? y : undefined;
  const list = x.kind === 'in' ? x : y.kind === 'in' ? y : undefined;
  if (eq && list) {
    const member = list.values.some((v) => literalKey(v) === literalKey(eq.value));
    return list.negated ? member : !member;
  }
  if (x.kind === 'in' && y.kind === 'in' && !x.negated && !y.negated) {
    const keys = new Set(x.values.map(literalKey));
    return !y.values.some((v) => keys.has(literalKey(v)));
  }
  return false;
}

/** True when `a and b` can never hold: `c and not c`, `x > 30 and x < 20`, `x = "a" and x = "b"`, … */
export function contradicts(a: Condition, b: Condition): boolean {
  if ((a.kind === 'not' && same(a.condition, b)) || (b.kind === 'not' && same(b.condition, a))) return true;
  const sa = subjectTest(a);
  const sb = subjectTest(b);
  return sa !== undefined && sb !== undefined && sa.key === sb.key && testsConflict(sa.test, sb.test);
}

/** True when `a or b` always holds: `c or not c`, `x exists or x is missing`. */
export function isTautology(a: Condition, b: Condition): boolean {
  if ((a.kind === 'not' && same(a.condition, b)) || (b.kind === 'not' && same(b.condition, a))) return true;
  if (a.kind !== 'trait' || b.kind !== 'trait' || JSON.stringify(a.path) !== JSON.stringify(b.path)) return false;
  const kinds = new Set([a.test.kind, b.test.kind]);
  return kinds.has('exists') && kinds.has('missing');
}
