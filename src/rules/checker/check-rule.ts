import { assertNever } from '../../core/index.js';
import type {
  Condition,
  Duration,
  EventSelector,
  Filter,
  Literal,
  Metric,
  NumberLiteral,
  Span,
  ValueTest,
  Window,
} from '../ast/index.js';
import { durationMs } from '../ast/index.js';
import { diagnostic, type Diagnostic, type DiagnosticCode } from '../diagnostics.js';
import { closestMatch } from '../edit-distance.js';
import { printDuration, printLiteral, printNumber, printPath, printWindow } from '../printer/index.js';
import { checkExperimentArm } from './check-experiment-arm.js';
import type { CheckContext, EventSchema, ValueType } from './check-context.js';

/**
 * Checks a parsed rule against what is known around it: types (from the catalogue), segment references
 * (unknown or cyclic), windows against the retention period, reversed `between` windows, percentages outside
 * `rate`, and names never seen in the data (warnings with "did you mean"). Returns diagnostics; never throws.
 */
export function checkRule(condition: Condition, context: CheckContext = {}): Diagnostic[] {
  const checker = new Checker(context);
  checker.condition(condition);
  return checker.diagnostics;
}

function describeType(t: ValueType): string {
  return t === 'date' ? 'date' : t;
}

function literalType(l: Literal): ValueType {
  return l.kind;
}

function segmentLookup(segments: CheckContext['segments']): ((name: string) => Condition | undefined) | undefined {
  if (!segments) return undefined;
  if (segments instanceof Map) return (name) => segments.get(name);
  const record = segments as Readonly<Record<string, Condition>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

function segmentNames(segments: CheckContext['segments']): string[] {
  if (!segments) return [];
  return segments instanceof Map ? [...segments.keys()] : Object.keys(segments);
}

/** The names of segments a condition refers to, in order of appearance. */
export function segmentReferences(c: Condition, out: string[] = []): string[] {
  switch (c.kind) {
    case 'and':
    case 'or':
      for (const x of c.conditions) segmentReferences(x, out);
      return out;
    case 'not':
      return segmentReferences(c.condition, out);
    case 'in_segment':
      out.push(c.segment);
      return out;
    case 'trait':
    case 'performed':
    case 'first_performed':
    case 'lapsed':
    case 'metric':
    case 'sequence':
    case 'seen':
    case 'subscription':
    case 'consent':
    case 'experiment_arm':
      return out;
    default:
      return assertNever(c);
  }
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lookup: ((name: string) => Condition | undefined) | undefined;

  constructor(private readonly context: CheckContext) {
    this.lookup = segmentLookup(context.segments);
  }

  private add(code: DiagnosticCode, args: readonly string[], span: Span | undefined, hint?: string): void {
    this.diagnostics.push(diagnostic(code, args, { span, hint }));
  }

  condition(c: Condition): void {
    switch (c.kind) {
      case 'and':
      case 'or':
        for (const x of c.conditions) this.condition(x);
        return;
      case 'not':
        this.condition(c.condition);
        return;
      case 'trait': {
        const key = c.path.join('.');
        const traits = this.context.catalog?.traits;
        const known = traits && Object.hasOwn(traits, key) ? traits[key] : undefined;
        if (traits && known === undefined) {
          const guess = closestMatch(key, Object.keys(traits));
          this.add('RULE2011', [`traits.${printPath(c.path)}`, guess ? ` Did you mean traits.${guess}?` : ''], c.span);
        }
        this.valueTest(c.test, `traits.${printPath(c.path)}`, known);
        return;
      }
      case 'performed':
      case 'first_performed':
        this.selector(c.event);
        if (c.window) this.window(c.window);
        return;
      case 'lapsed':
        this.selector(c.event);
        this.retention(c.duration, `lapsed(…, ${printDuration(c.duration)})`, c.span);
        return;
      case 'metric':
        this.metric(c.metric);
        if (c.metric.kind !== 'rate') this.percent(c.value);
        return;
      case 'sequence':
        this.selector(c.first);
        this.selector(c.then);
        if (c.by) {
          this.propertyType(c.first.name, c.by, c.span);
          if (c.then.name !== c.first.name) this.propertyType(c.then.name, c.by, c.span);
        }
        this.retention(c.within, `within ${printDuration(c.within)}`, c.span);
        return;
      case 'seen':
        // The first/last seen instants outlive event retention, so only the window's shape is checked.
        if (c.window.kind === 'between') this.betweenOrder(c.window);
        return;
      case 'in_segment':
        this.segment(c.segment, c.span);
        return;
      case 'subscription':
      case 'consent':
        return;
      case 'experiment_arm':
        this.diagnostics.push(...checkExperimentArm(c));
        return;
      default:
        assertNever(c);
    }
  }

  private metric(m: Metric): void {
    switch (m.kind) {
      case 'count':
        this.selector(m.event);
        break;
      case 'count_distinct':
        this.selector(m.property.event);
        this.propertyType(m.property.event.name, m.property.path, m.property.span);
        break;
      case 'sum':
      case 'avg':
      case 'min':
      case 'max': {
        this.selector(m.property.event);
        const t = this.propertyType(m.property.event.name, m.property.path, m.property.span);
        if (t !== undefined && t !== 'number') {
          this.add('RULE2003', [m.kind, `${JSON.stringify(m.property.event.name)}.${printPath(m.property.path)}`, describeType(t)], m.property.span ?? m.span);
        }
        break;
      }
      case 'rate':
        this.selector(m.numerator);
        this.selector(m.denominator);
        break;
      case 'score':
        return;
      default:
        assertNever(m);
    }
    if (m.window) this.window(m.window);
  }

  private window(w: Window): void {
    switch (w.kind) {
      case 'within':
        this.retention(w.duration, printWindow(w), w.span);
        return;
      case 'before':
        this.retention(w.duration, printWindow(w), w.span, true);
        return;
      case 'between':
        this.betweenOrder(w);
        this.retention(w.from, printWindow(w), w.span);
        return;
      default:
        assertNever(w);
    }
  }

  private betweenOrder(w: Window & { kind: 'between' }): void {
    if (durationMs(w.from) <= durationMs(w.to)) {
      this.add('RULE2008', [printDuration(w.from), printDuration(w.to)], w.span);
    }
  }

  /** `inclusive`: a `before D ago` window is already empty when D equals the retention. */
  private retention(d: Duration, text: string, span: Span | undefined, inclusive = false): void {
    const limit = this.context.retentionMs;
    if (limit === undefined) return;
    const ms = durationMs(d);
    if (ms > limit || (inclusive && ms >= limit)) this.add('RULE2007', [text, describeMs(limit)], span);
  }

  private schema(name: string): EventSchema | undefined {
    const events = this.context.catalog?.events;
    return events && Object.hasOwn(events, name) ? events[name] : undefined;
  }

  private selector(s: EventSelector): void {
    const events = this.context.catalog?.events;
    if (events && !Object.hasOwn(events, s.name)) {
      const guess = closestMatch(s.name, Object.keys(events));
      this.add('RULE2009', [JSON.stringify(s.name), guess ? ` Did you mean ${JSON.stringify(guess)}?` : ''], s.span);
    }
    if (s.where) this.filter(s.where, s.name);
  }

  /** The catalogued type of an event property (reporting unknown properties of known events). */
  private propertyType(event: string, path: readonly string[], span: Span | undefined): ValueType | undefined {
    const properties = this.schema(event)?.properties;
    if (!properties) return undefined;
    const key = path.join('.');
    if (Object.hasOwn(properties, key)) return properties[key];
    const guess = closestMatch(key, Object.keys(properties));
    this.add('RULE2010', [printPath(path), JSON.stringify(event), guess ? ` Did you mean ${guess}?` : ''], span);
    return undefined;
  }

  private filter(f: Filter, event: string): void {
    switch (f.kind) {
      case 'filter_and':
      case 'filter_or':
        for (const x of f.filters) this.filter(x, event);
        return;
      case 'filter_not':
        this.filter(f.filter, event);
        return;
      case 'property': {
        const t = this.propertyType(event, f.path, f.span);
        this.valueTest(f.test, printPath(f.path), t);
        return;
      }
      default:
        assertNever(f);
    }
  }

  private valueTest(t: ValueTest, subject: string, known: ValueType | undefined): void {
    switch (t.kind) {
      case 'compare':
        this.literal(t.value, subject, known);
        return;
      case 'in':
        for (const v of t.values) this.literal(v, subject, known);
        return;
      case 'contains':
      case 'starts_with':
        if (known !== undefined && known !== 'string') this.add('RULE2002', [t.kind, subject, describeType(known)], t.span);
        return;
      case 'exists':
      case 'missing':
        return;
      default:
        assertNever(t);
    }
  }

  private literal(l: Literal, subject: string, known: ValueType | undefined): void {
    if (l.kind === 'number') this.percent(l);
    const actual = literalType(l);
    if (known === undefined || known === actual) return;
    const hint =
      known === 'number' && l.kind === 'string' && l.value.trim() !== '' && Number.isFinite(Number(l.value))
        ? `Write ${l.value} without quotes.`
        : known === 'date' && l.kind === 'string'
          ? 'Write dates without quotes: 2024-01-31.'
          : known === 'string' && l.kind !== 'string'
            ? `Write ${JSON.stringify(printLiteral(l))} in quotes.`
            : undefined;
    this.add('RULE2001', [subject, describeType(known), describeType(actual)], l.span, hint);
  }

  private percent(n: NumberLiteral): void {
    if (n.percent) this.add('RULE2004', [printNumber(n), String(n.value)], n.span);
  }

  private segment(name: string, span: Span | undefined): void {
    if (!this.lookup) return;
    if (name === this.context.segmentName) {
      this.add('RULE2006', [`${name} → ${name}`], span);
      return;
    }
    const target = this.lookup(name);
    if (target === undefined) {
      const guess = closestMatch(name, segmentNames(this.context.segments));
      this.add('RULE2005', [JSON.stringify(name), guess ? ` Did you mean ${JSON.stringify(guess)}?` : ''], span);
      return;
    }
    const cycle = this.findCycle(name);
    if (cycle) this.add('RULE2006', [cycle.join(' → ')], span);
  }

  /**
   * A cycle reachable from segment `start`: a path of references that comes back to a segment already on it
   * (or to the segment being checked). Iterative depth-first search, so long chains cannot overflow the stack.
   */
  private findCycle(start: string): string[] | undefined {
    const self = this.context.segmentName;
    const done = new Set<string>();
    const stack: { name: string; refs: string[]; next: number }[] = [];
    const onPath = new Set<string>();
    const push = (name: string): void => {
      const cond = this.lookup?.(name);
      stack.push({ name, refs: cond ? segmentReferences(cond) : [], next: 0 });
      onPath.add(name);
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.refs.length) {
        stack.pop();
        onPath.delete(top.name);
        done.add(top.name);
        continue;
      }
      const ref = top.refs[top.next++]!;
      const path = stack.map((f) => f.name);
      if (self !== undefined && ref === self) return [self, ...path, ref];
      if (onPath.has(ref)) return [...path.slice(path.indexOf(ref)), ref];
      if (!done.has(ref) && this.lookup?.(ref) !== undefined) push(ref);
    }
    return undefined;
  }
}

function describeMs(ms: number): string {
  const units: [number, string][] = [
    [604_800_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
