import { assertNever } from '../../core/index.js';
import type {
  CompareOp,
  Condition,
  EventProperty,
  EventSelector,
  Filter,
  Literal,
  Metric,
  ValueTest,
  Window,
} from '../ast/index.js';
import { printCondition, printDuration, printLiteral, printWindow } from '../printer/index.js';

/**
 * Short human texts for explanations. Close to the rule language's surface syntax but *not* the canonical
 * printer (that belongs to the syntax side): these are for reading, never for parsing back. Durations, windows,
 * non-numeric literals and the heads of `seen`, `in_segment` and subscription conditions read exactly as the
 * printer writes them, so they come from it; operators (`≥`), rounded percentages and the filter grouping are
 * the reader's own.
 */

/** `, within 48h` after a call's first argument, or nothing without a window. */
function windowPart(w: Window | undefined): string {
  return w === undefined ? '' : `, ${printWindow(w)}`;
}

/** `"Product Viewed" where product_id = "X"`. */
export function describeSelector(s: EventSelector): string {
  return s.where === undefined ? JSON.stringify(s.name) : `${JSON.stringify(s.name)} where ${describeFilter(s.where)}`;
}

/** A `where` filter, parenthesised where nesting needs it. */
export function describeFilter(f: Filter): string {
  switch (f.kind) {
    case 'filter_and':
      // `and` binds tighter than `or`: an `or` inside an `and` needs parentheses.
      return f.filters
        .map((x) => (x.kind === 'filter_or' ? `(${describeFilter(x)})` : describeFilter(x)))
        .join(' and ');
    case 'filter_or':
      return f.filters.map(describeFilter).join(' or ');
    case 'filter_not':
      return f.filter.kind === 'property' ? `not ${describeFilter(f.filter)}` : `not (${describeFilter(f.filter)})`;
    case 'property':
      return `${f.path.join('.')} ${describeTest(f.test)}`;
    default:
      return assertNever(f);
  }
}

/** `= "X"`, `≥ 25`, `in ["a", "b"]`, `exists`. */
export function describeTest(test: ValueTest): string {
  switch (test.kind) {
    case 'compare':
      return `${describeOp(test.op)} ${describeLiteral(test.value)}`;
    case 'in':
      return `${test.negated ? 'not in' : 'in'} [${test.values.map(describeLiteral).join(', ')}]`;
    case 'contains':
    case 'starts_with':
      return `${test.kind} ${describeLiteral(test.value)}`;
    case 'exists':
      return 'exists';
    case 'missing':
      return 'is missing';
    default:
      return assertNever(test);
  }
}

/** `"X"`, `25`, `10%`, `true`, `2024-01-31`. */
export function describeLiteral(l: Literal): string {
  if (l.kind !== 'number') return printLiteral(l);
  // Numbers are for the eye: a percentage rounded to 4 decimals, not the printer's exact shortest form.
  return l.percent === true ? `${round(l.value * 100)}%` : String(l.value);
}

/** The operator as a reader expects it: `≥`, `≤`, `≠`, `=`, `<`, `>`. */
export function describeOp(op: CompareOp): string {
  switch (op) {
    case '>=':
      return '≥';
    case '<=':
      return '≤';
    case '!=':
      return '≠';
    case '=':
    case '<':
    case '>':
      return op;
    default:
      return assertNever(op);
  }
}

/** `count("Product Viewed" where product_id = "X", within 48h)`. */
export function describeMetric(m: Metric): string {
  switch (m.kind) {
    case 'count':
      return `count(${describeSelector(m.event)}${windowPart(m.window)})`;
    case 'count_distinct':
      return `count distinct(${describeProperty(m.property)}${windowPart(m.window)})`;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return `${m.kind}(${describeProperty(m.property)}${windowPart(m.window)})`;
    case 'rate': {
      const min = m.minDenominator === undefined ? '' : `, min ${m.minDenominator}`;
      return `rate(${describeSelector(m.numerator)} / ${describeSelector(m.denominator)}${windowPart(m.window)}${min})`;
    }
    case 'score':
      return `score(${JSON.stringify(m.name)})`;
    default:
      return assertNever(m);
  }
}

/** `"Order Completed".revenue`. */
export function describeProperty(p: EventProperty): string {
  return `${describeSelector(p.event)}.${p.path.join('.')}`;
}

/** A one-line summary of a condition's own construct (children are summarised by their own nodes). */
export function describeHead(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
    case 'not':
      return c.kind;
    case 'trait':
      return `traits.${c.path.join('.')} ${describeTest(c.test)}`;
    case 'performed':
    case 'first_performed':
      return `${c.kind}(${describeSelector(c.event)}${windowPart(c.window)})`;
    case 'lapsed':
      return `lapsed(${describeSelector(c.event)}, ${printDuration(c.duration)})`;
    case 'metric':
      return `${describeMetric(c.metric)} ${describeOp(c.op)} ${describeLiteral(c.value)}`;
    case 'sequence': {
      const by = c.by === undefined ? '' : ` by ${c.by.join('.')}`;
      const then = `${c.negated ? 'not ' : ''}${describeSelector(c.then)}`;
      return `${describeSelector(c.first)} then ${then} within ${printDuration(c.within)}${by}`;
    }
    case 'seen':
    case 'in_segment':
    case 'subscription':
    case 'consent':
      return printCondition(c);
    case 'experiment_arm':
      return `in arm ${JSON.stringify(c.arm)} of experiment ${JSON.stringify(c.experiment)}`;
    default:
      return assertNever(c);
  }
}

/** An instant as ISO 8601 UTC, or the raw number when it is outside the representable date range. */
export function describeInstant(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** A number for reading: at most 4 decimals, no trailing zeros. */
export function describeNumber(n: number): string {
  return String(round(n));
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
