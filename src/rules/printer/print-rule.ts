import { assertNever } from '../../core/index.js';
import type {
  Condition,
  Duration,
  EventProperty,
  EventSelector,
  ExperimentArmNode,
  Filter,
  Literal,
  Metric,
  NumberLiteral,
  ValueTest,
  Window,
} from '../ast/index.js';
import { RESERVED_WORDS } from '../parser/index.js';

/** Options of {@link printRule}. */
export interface PrintOptions {
  /** Lines longer than this break: and/or chains one condition per line, then long calls one argument per line (default 100). */
  readonly width?: number;
}

/**
 * Prints a condition as canonical rule text. Parsing the output gives back the same tree (spans aside), and
 * printing is idempotent. A rule that fits in `width` is one line; longer and/or chains put one condition per
 * line, continuation lines indented and led by their operator, parenthesised groups indented inside.
 */
export function printRule(condition: Condition, options: PrintOptions = {}): string {
  return layout(condition, 0, options.width ?? 100);
}

const pad = (n: number): string => ' '.repeat(n);

/**
 * `c` starting at column `indent`. Continuation lines of a broken call line up with `lineIndent`, the
 * indentation of the line the condition starts on (the same as `indent` except after `and `, `or `, `not `).
 */
function layout(c: Condition, indent: number, width: number, lineIndent = indent): string {
  const flat = printCondition(c);
  if (indent + flat.length <= width) return flat;
  if (c.kind === 'and' || c.kind === 'or') {
    return c.conditions
      .map((child, i) => {
        const lineIndent = i === 0 ? indent : indent + 2;
        const lead = i === 0 ? '' : `${c.kind} `;
        const body = layoutOperand(child, lineIndent, lineIndent + lead.length, width);
        return i === 0 ? body : `\n${pad(lineIndent)}${lead}${body}`;
      })
      .join('');
  }
  if (c.kind === 'not') {
    if (c.condition.kind === 'and' || c.condition.kind === 'or') {
      return `not (\n${pad(indent + 2)}${layout(c.condition, indent + 2, width)}\n${pad(indent)})`;
    }
    if (needsParensUnderNot(c.condition)) return `not (${layout(c.condition, indent + 5, width, lineIndent)})`;
    return `not ${layout(c.condition, indent + 4, width, lineIndent)}`;
  }
  return layoutLeaf(c, lineIndent, width) ?? flat;
}

/**
 * A call too long for its line, with its arguments one per line, indented under the line it starts on:
 *
 * ```
 * count(
 *   "Order Completed" where currency = "USD"
 *     and not (test = true or amount < 0),
 *   within 365d
 * ) >= 3
 * ```
 */
function layoutLeaf(c: Condition, lineIndent: number, width: number): string | undefined {
  const inner = lineIndent + 2;
  const call = (head: string, args: readonly string[], tail = ''): string =>
    `${head}(\n${args.map((a) => `${pad(inner)}${a}`).join(',\n')}\n${pad(lineIndent)})${tail}`;
  const w = (window: Window | undefined): string[] => (window ? [printWindow(window)] : []);
  switch (c.kind) {
    case 'performed':
    case 'first_performed':
      return call(c.kind, [layoutSelector(c.event, inner, width), ...w(c.window)]);
    case 'lapsed':
      return call('lapsed', [layoutSelector(c.event, inner, width), printDuration(c.duration)]);
    case 'metric': {
      const m = c.metric;
      const tail = ` ${c.op} ${printNumber(c.value)}`;
      switch (m.kind) {
        case 'count':
          return call('count', [layoutSelector(m.event, inner, width), ...w(m.window)], tail);
        case 'count_distinct':
        case 'sum':
        case 'avg':
        case 'min':
        case 'max': {
          const head = m.kind === 'count_distinct' ? 'count distinct' : m.kind;
          const prefix = `${JSON.stringify(m.property.event.name)}.${printPath(m.property.path)}`;
          return call(head, [layoutSelector(m.property.event, inner, width, prefix), ...w(m.window)], tail);
        }
        case 'rate': {
          const min = m.minDenominator === undefined ? [] : [`min ${printNumber({ kind: 'number', value: m.minDenominator })}`];
          const ratio = `${layoutSelector(m.numerator, inner, width)}\n${pad(inner)}/ ${layoutSelector(m.denominator, inner + 2, width)}`;
          return call('rate', [ratio, ...w(m.window), ...min], tail);
        }
        case 'score':
          return undefined;
        default:
          return assertNever(m);
      }
    }
    case 'sequence':
      return (
        `${layoutSelector(c.first, lineIndent, width)}\n${pad(inner)}then ${c.negated ? 'not ' : ''}` +
        `${layoutSelector(c.then, inner, width)}\n${pad(inner)}within ${printDuration(c.within)}` +
        (c.by ? ` by ${printPath(c.by)}` : '')
      );
    default:
      return undefined;
  }
}

/**
 * A selector (or `"E".path` property, written as `prefix`) on a line indented by `indent`; a long
 * and/or `where` filter continues on following lines, one operand per line.
 */
function layoutSelector(s: EventSelector, indent: number, width: number, prefix = JSON.stringify(s.name)): string {
  const flat = `${prefix}${s.where ? ` where ${printFilter(s.where)}` : ''}`;
  if (!s.where || indent + flat.length <= width || (s.where.kind !== 'filter_and' && s.where.kind !== 'filter_or')) return flat;
  const op = s.where.kind === 'filter_and' ? 'and' : 'or';
  const group = (x: Filter): string => (x.kind === 'filter_and' || x.kind === 'filter_or' ? `(${printFilter(x)})` : printFilter(x));
  return `${prefix} where ${s.where.filters.map(group).join(`\n${pad(indent + 2)}${op} `)}`;
}

/** An and/or operand starting at `column` on a line indented by `lineIndent`. */
function layoutOperand(c: Condition, lineIndent: number, column: number, width: number): string {
  if (c.kind !== 'and' && c.kind !== 'or') return layout(c, column, width, lineIndent);
  const flat = `(${printCondition(c)})`;
  if (column + flat.length <= width) return flat;
  return `(\n${pad(lineIndent + 2)}${layout(c, lineIndent + 2, width)}\n${pad(lineIndent)})`;
}

/**
 * Whether `not` must wrap its operand in parentheses. The parser gives `not` the lowest precedence short of
 * `and`/`or`, so `not traits.a = 1` already means `not (traits.a = 1)`, but a reader takes it for
 * `(not traits.a) = 1`; likewise `not "A" then "B" within 3d` reads like `"A" then not "B"`. Only a
 * self-delimiting operand (a call, a keyword such as `subscribed`, another `not`) goes without them.
 */
function needsParensUnderNot(c: Condition): boolean {
  switch (c.kind) {
    case 'and':
    case 'or':
    case 'trait':
    case 'metric':
    case 'sequence':
    case 'seen':
      return true;
    case 'not':
    case 'performed':
    case 'first_performed':
    case 'lapsed':
    case 'in_segment':
    case 'subscription':
    case 'consent':
    case 'experiment_arm':
      return false;
    default:
      return assertNever(c);
  }
}

/** One-line text of a condition. */
export function printCondition(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.conditions.map((x) => (x.kind === 'and' || x.kind === 'or' ? `(${printCondition(x)})` : printCondition(x))).join(` ${c.kind} `);
    case 'not':
      return needsParensUnderNot(c.condition) ? `not (${printCondition(c.condition)})` : `not ${printCondition(c.condition)}`;
    case 'trait':
      return `traits.${printPath(c.path)} ${printValueTest(c.test)}`;
    case 'performed':
    case 'first_performed':
      return `${c.kind}(${printSelector(c.event)}${c.window ? `, ${printWindow(c.window)}` : ''})`;
    case 'lapsed':
      return `lapsed(${printSelector(c.event)}, ${printDuration(c.duration)})`;
    case 'metric':
      return `${printMetric(c.metric)} ${c.op} ${printNumber(c.value)}`;
    case 'sequence':
      return (
        `${printSelector(c.first)} then ${c.negated ? 'not ' : ''}${printSelector(c.then)} within ${printDuration(c.within)}` +
        (c.by ? ` by ${printPath(c.by)}` : '')
      );
    case 'seen':
      return `${c.which}_seen ${printWindow(c.window)}`;
    case 'in_segment':
      return `in_segment(${JSON.stringify(c.segment)})`;
    case 'subscription':
      return c.state;
    case 'consent':
      return `consent(${JSON.stringify(c.category)})`;
    case 'experiment_arm':
      return printExperimentArm(c);
    default:
      return assertNever(c);
  }
}

function printExperimentArm(c: ExperimentArmNode): string {
  const arms = c.arms.map((a) => `${JSON.stringify(a.name)} ${plainNumber(a.weight)}`).join(', ');
  return `in_experiment_arm(${JSON.stringify(c.experiment)}, ${JSON.stringify(c.arm)}, salt ${JSON.stringify(c.salt)}, arms [${arms}])`;
}

function printMetric(m: Metric): string {
  const w = (window: Window | undefined): string => (window ? `, ${printWindow(window)}` : '');
  switch (m.kind) {
    case 'count':
      return `count(${printSelector(m.event)}${w(m.window)})`;
    case 'count_distinct':
      return `count distinct(${printProperty(m.property)}${w(m.window)})`;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return `${m.kind}(${printProperty(m.property)}${w(m.window)})`;
    case 'rate':
      return (
        `rate(${printSelector(m.numerator)} / ${printSelector(m.denominator)}${w(m.window)}` +
        `${m.minDenominator === undefined ? '' : `, min ${printNumber({ kind: 'number', value: m.minDenominator })}`})`
      );
    case 'score':
      return `score(${JSON.stringify(m.name)})`;
    default:
      return assertNever(m);
  }
}

/** `"Event" [where filter]`. */
export function printSelector(s: EventSelector): string {
  return `${JSON.stringify(s.name)}${s.where ? ` where ${printFilter(s.where)}` : ''}`;
}

function printProperty(p: EventProperty): string {
  return `${JSON.stringify(p.event.name)}.${printPath(p.path)}${p.event.where ? ` where ${printFilter(p.event.where)}` : ''}`;
}

/** One-line text of a `where` filter. */
export function printFilter(f: Filter): string {
  const group = (x: Filter): string => (x.kind === 'filter_and' || x.kind === 'filter_or' ? `(${printFilter(x)})` : printFilter(x));
  switch (f.kind) {
    case 'filter_and':
      return f.filters.map(group).join(' and ');
    case 'filter_or':
      return f.filters.map(group).join(' or ');
    case 'filter_not':
      // `not x = 1` parses as `not (x = 1)` but reads as `(not x) = 1`: only a nested `not` goes bare.
      return f.filter.kind === 'filter_not' ? `not ${printFilter(f.filter)}` : `not (${printFilter(f.filter)})`;
    case 'property':
      return `${printPath(f.path)} ${printValueTest(f.test)}`;
    default:
      return assertNever(f);
  }
}

function printValueTest(t: ValueTest): string {
  switch (t.kind) {
    case 'compare':
      return `${t.op} ${printLiteral(t.value)}`;
    case 'in':
      return `${t.negated ? 'not ' : ''}in [${t.values.map(printLiteral).join(', ')}]`;
    case 'contains':
    case 'starts_with':
      return `${t.kind} ${JSON.stringify(t.value.value)}`;
    case 'exists':
      return 'exists';
    case 'missing':
      return 'is missing';
    default:
      return assertNever(t);
  }
}

/** Text of a literal value. */
export function printLiteral(l: Literal): string {
  switch (l.kind) {
    case 'string':
      return JSON.stringify(l.value);
    case 'number':
      return printNumber(l);
    case 'boolean':
      return l.value ? 'true' : 'false';
    case 'date':
      return l.value;
    default:
      return assertNever(l);
  }
}

function plainNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** A number as the lexer reads it back exactly; a percentage as the shortest `N%` whose N / 100 is the value. */
export function printNumber(n: NumberLiteral): string {
  if (!n.percent) return plainNumber(n.value);
  const scaled = n.value * 100;
  const candidates: string[] = [];
  for (let p = 1; p <= 17; p++) candidates.push(plainNumber(Number(scaled.toPrecision(p))));
  candidates.push(plainNumber(scaled));
  for (const s of candidates) {
    if (Number(s) / 100 === n.value || (Number.isNaN(Number(s) / 100) && Number.isNaN(n.value))) return `${s}%`;
  }
  // No decimal N gives exactly this value as N%: print the plain number rather than change the value.
  return plainNumber(n.value);
}

/** `48h`. */
export function printDuration(d: Duration): string {
  return `${d.amount}${d.unit}`;
}

/** `within 7d`, `before 30d ago`, `between 30d ago and 7d ago`. */
export function printWindow(w: Window): string {
  switch (w.kind) {
    case 'within':
      return `within ${printDuration(w.duration)}`;
    case 'before':
      return `before ${printDuration(w.duration)} ago`;
    case 'between':
      return `between ${printDuration(w.from)} ago and ${printDuration(w.to)} ago`;
    default:
      return assertNever(w);
  }
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A property path; segments that are reserved words or not plain names go in backticks. */
export function printPath(path: readonly string[]): string {
  return path
    .map((seg) => (PLAIN_NAME.test(seg) && !RESERVED_WORDS.has(seg) ? seg : `\`${JSON.stringify(seg).slice(1, -1).replace(/`/g, '\\`')}\``))
    .join('.');
}
