import type {
  ArmShare,
  CompareOp,
  Condition,
  Duration,
  DurationUnit,
  EventProperty,
  EventSelector,
  Filter,
  Literal,
  Metric,
  NumberLiteral,
  StringLiteral,
  ValueTest,
  Window,
} from '../ast/index.js';
import { assertNever } from '../../core/index.js';
import { RULE_JSON_VERSION } from '../ast/index.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { MAX_NESTING_DEPTH } from '../parser/index.js';
import { isValidDateText } from '../date-text.js';

/** The most nodes a JSON rule may have (a 64 KiB text rule has far fewer). */
export const MAX_JSON_NODES = 20_000;

/** The result of {@link fromRuleJson}: the condition, or every problem found in the document. */
export type FromJsonResult =
  | { readonly ok: true; readonly value: Condition }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const CONDITION_KINDS = [
  'and', 'or', 'not', 'trait', 'performed', 'first_performed', 'lapsed', 'metric', 'sequence', 'seen', 'in_segment', 'subscription', 'consent',
  'experiment_arm',
] as const;
const METRIC_KINDS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'rate', 'score'] as const;
const FILTER_KINDS = ['filter_and', 'filter_or', 'filter_not', 'property'] as const;
const TEST_KINDS = ['compare', 'in', 'contains', 'starts_with', 'exists', 'missing'] as const;
const LITERAL_KINDS = ['string', 'number', 'boolean', 'date'] as const;
const WINDOW_KINDS = ['within', 'before', 'between'] as const;
const OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
const UNITS: readonly DurationUnit[] = ['s', 'm', 'h', 'd', 'w'];

/** Signals that validation of one branch failed (already reported); caught where siblings can go on. */
class Invalid {
  readonly tag = 'invalid';
}

/** Thrown when the document is too deep or too large: validation stops. */
class Abort {
  readonly tag = 'abort';
}

/**
 * Reads the canonical JSON form `{ "version": 1, "condition": … }` from untrusted input (e.g. `JSON.parse`
 * output). Validates everything — kinds, fields, types, ranges — rejects unknown kinds and fields (a `span`
 * field is accepted and dropped), bounds depth and size, and never throws.
 */
export function fromRuleJson(input: unknown): FromJsonResult {
  const v = new Validator();
  let condition: Condition | undefined;
  try {
    const doc = v.object(input, '$', ['version', 'condition']);
    if (doc.version !== RULE_JSON_VERSION) {
      v.diagnostics.push(
        diagnostic('RULE1102', [JSON.stringify(doc.version) ?? 'undefined', String(RULE_JSON_VERSION)], { path: '$.version' }),
      );
    }
    condition = v.condition(doc.condition, '$.condition', 0);
  } catch (e) {
    if (!(e instanceof Invalid) && !(e instanceof Abort)) throw e;
  }
  if (condition === undefined || v.diagnostics.length > 0) return { ok: false, diagnostics: v.diagnostics };
  return { ok: true, value: condition };
}

class Validator {
  readonly diagnostics: Diagnostic[] = [];
  private nodes = 0;

  fail(path: string, message: string): never {
    this.diagnostics.push(diagnostic('RULE1101', [path, message], { path }));
    throw new Invalid();
  }

  /** A plain object whose fields are all in `allowed` (plus `kind` and an ignored `span`). */
  object(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
    if (++this.nodes > MAX_JSON_NODES) {
      this.diagnostics.push(diagnostic('RULE1101', [path, `the rule has more than ${MAX_JSON_NODES} nodes`], { path }));
      throw new Abort();
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(path, 'expected an object');
    const record = value as Record<string, unknown>;
    this.onlyFields(record, path, allowed);
    return record;
  }

  kind<K extends string>(record: Record<string, unknown>, path: string, kinds: readonly K[]): K {
    const k = record.kind;
    if (typeof k === 'string' && (kinds as readonly string[]).includes(k)) return k as K;
    this.diagnostics.push(
      diagnostic('RULE1103', [path, k === undefined ? '(none)' : JSON.stringify(k), kinds.join(', ')], { path: `${path}.kind` }),
    );
    throw new Invalid();
  }

  string(value: unknown, path: string): string {
    return typeof value === 'string' ? value : this.fail(path, 'expected a string');
  }

  boolean(value: unknown, path: string): boolean {
    return typeof value === 'boolean' ? value : this.fail(path, 'expected true or false');
  }

  path(value: unknown, path: string): string[] {
    if (!Array.isArray(value) || value.length === 0) return this.fail(path, 'expected a non-empty array of property names');
    return value.map((seg, i) => {
      const s = this.string(seg, `${path}[${i}]`);
      return s === '' ? this.fail(`${path}[${i}]`, 'a property name cannot be empty') : s;
    });
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    return typeof value === 'string' && (options as readonly string[]).includes(value)
      ? (value as T)
      : this.fail(path, `expected one of ${options.join(', ')}`);
  }

  /** Validates each element, reporting every bad one before failing. */
  each<T>(values: unknown, path: string, min: number, fn: (x: unknown, p: string) => T): T[] {
    if (!Array.isArray(values)) return this.fail(path, 'expected an array');
    if (values.length < min) return this.fail(path, `expected at least ${min} entries`);
    const out: T[] = [];
    let failed = false;
    values.forEach((x, i) => {
      try {
        out.push(fn(x, `${path}[${i}]`));
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        failed = true;
      }
    });
    if (failed) throw new Invalid();
    return out;
  }

  depthCheck(depth: number, path: string): void {
    if (depth > MAX_NESTING_DEPTH) {
      this.diagnostics.push(diagnostic('RULE1016', [String(MAX_NESTING_DEPTH)], { path }));
      throw new Abort();
    }
  }

  condition(value: unknown, path: string, depth: number): Condition {
    this.depthCheck(depth, path);
    const r = this.object(value, path, ['conditions', 'condition', 'path', 'test', 'event', 'window', 'duration', 'metric', 'op', 'value', 'first', 'then', 'negated', 'within', 'by', 'which', 'segment', 'state', 'category', 'experiment', 'arm', 'salt', 'arms']);
    const kind = this.kind(r, path, CONDITION_KINDS);
    const only = (fields: readonly string[]): void => this.onlyFields(r, path, fields);
    switch (kind) {
      case 'and':
      case 'or':
        only(['conditions']);
        return { kind, conditions: this.each(r.conditions, `${path}.conditions`, 2, (x, p) => this.condition(x, p, depth + 1)) };
      case 'not':
        only(['condition']);
        return { kind, condition: this.condition(r.condition, `${path}.condition`, depth + 1) };
      case 'trait':
        only(['path', 'test']);
        return { kind, path: this.path(r.path, `${path}.path`), test: this.valueTest(r.test, `${path}.test`) };
      case 'performed':
      case 'first_performed': {
        only(['event', 'window']);
        const event = this.selector(r.event, `${path}.event`, depth);
        return r.window === undefined ? { kind, event } : { kind, event, window: this.window(r.window, `${path}.window`) };
      }
      case 'lapsed':
        only(['event', 'duration']);
        return { kind, event: this.selector(r.event, `${path}.event`, depth), duration: this.duration(r.duration, `${path}.duration`) };
      case 'metric':
        only(['metric', 'op', 'value']);
        return {
          kind,
          metric: this.metric(r.metric, `${path}.metric`, depth),
          op: this.oneOf(r.op, `${path}.op`, OPS),
          value: this.numberLiteral(r.value, `${path}.value`),
        };
      case 'sequence': {
        only(['first', 'then', 'negated', 'within', 'by']);
        const base = {
          kind,
          first: this.selector(r.first, `${path}.first`, depth),
          then: this.selector(r.then, `${path}.then`, depth),
          negated: this.boolean(r.negated, `${path}.negated`),
          within: this.duration(r.within, `${path}.within`),
        };
        return r.by === undefined ? base : { ...base, by: this.path(r.by, `${path}.by`) };
      }
      case 'seen':
        only(['which', 'window']);
        return { kind, which: this.oneOf(r.which, `${path}.which`, ['first', 'last'] as const), window: this.window(r.window, `${path}.window`) };
      case 'in_segment':
        only(['segment']);
        return { kind, segment: this.string(r.segment, `${path}.segment`) };
      case 'subscription':
        only(['state']);
        return { kind, state: this.oneOf(r.state, `${path}.state`, ['subscribed', 'email_eligible'] as const) };
      case 'consent':
        only(['category']);
        return { kind, category: this.string(r.category, `${path}.category`) };
      case 'experiment_arm':
        only(['experiment', 'arm', 'salt', 'arms']);
        return {
          kind,
          experiment: this.string(r.experiment, `${path}.experiment`),
          arm: this.string(r.arm, `${path}.arm`),
          salt: this.string(r.salt, `${path}.salt`),
          arms: this.each(r.arms, `${path}.arms`, 1, (x, p) => this.armShare(x, p)),
        };
      default:
        return assertNever(kind);
    }
  }

  /** Reports each field of `r` outside `fields` (besides `kind` and an ignored `span`) as RULE1104, then fails if any was. */
  onlyFields(r: Record<string, unknown>, path: string, fields: readonly string[]): void {
    let bad = false;
    for (const key of Object.keys(r)) {
      if (key === 'kind' || key === 'span' || fields.includes(key)) continue;
      this.diagnostics.push(diagnostic('RULE1104', [path, JSON.stringify(key)], { path: `${path}.${key}` }));
      bad = true;
    }
    if (bad) throw new Invalid();
  }

  metric(value: unknown, path: string, depth: number): Metric {
    const r = this.object(value, path, ['event', 'property', 'window', 'numerator', 'denominator', 'minDenominator', 'name']);
    const kind = this.kind(r, path, METRIC_KINDS);
    const withWindow = <T extends object>(base: T): T & { window?: Window } =>
      r.window === undefined ? base : { ...base, window: this.window(r.window, `${path}.window`) };
    switch (kind) {
      case 'count':
        this.onlyFields(r, path, ['event', 'window']);
        return withWindow({ kind, event: this.selector(r.event, `${path}.event`, depth) });
      case 'count_distinct':
      case 'sum':
      case 'avg':
      case 'min':
      case 'max':
        this.onlyFields(r, path, ['property', 'window']);
        return withWindow({ kind, property: this.property(r.property, `${path}.property`, depth) });
      case 'rate': {
        this.onlyFields(r, path, ['numerator', 'denominator', 'window', 'minDenominator']);
        const base = withWindow({
          kind,
          numerator: this.selector(r.numerator, `${path}.numerator`, depth),
          denominator: this.selector(r.denominator, `${path}.denominator`, depth),
        });
        if (r.minDenominator === undefined) return base;
        const min = r.minDenominator;
        if (typeof min !== 'number' || !Number.isSafeInteger(min) || min < 0) {
          return this.fail(`${path}.minDenominator`, 'expected a whole number of events, 0 or more');
        }
        return { ...base, minDenominator: min };
      }
      case 'score':
        this.onlyFields(r, path, ['name']);
        return { kind, name: this.string(r.name, `${path}.name`) };
      default:
        return assertNever(kind);
    }
  }

  selector(value: unknown, path: string, depth: number): EventSelector {
    const r = this.object(value, path, ['name', 'where']);
    this.kind(r, path, ['event'] as const);
    const name = this.string(r.name, `${path}.name`);
    return r.where === undefined ? { kind: 'event', name } : { kind: 'event', name, where: this.filter(r.where, `${path}.where`, depth + 1) };
  }

  property(value: unknown, path: string, depth: number): EventProperty {
    const r = this.object(value, path, ['event', 'path']);
    this.kind(r, path, ['event_property'] as const);
    return { kind: 'event_property', event: this.selector(r.event, `${path}.event`, depth), path: this.path(r.path, `${path}.path`) };
  }

  filter(value: unknown, path: string, depth: number): Filter {
    this.depthCheck(depth, path);
    const r = this.object(value, path, ['filters', 'filter', 'path', 'test']);
    const kind = this.kind(r, path, FILTER_KINDS);
    switch (kind) {
      case 'filter_and':
      case 'filter_or':
        this.onlyFields(r, path, ['filters']);
        return { kind, filters: this.each(r.filters, `${path}.filters`, 2, (x, p) => this.filter(x, p, depth + 1)) };
      case 'filter_not':
        this.onlyFields(r, path, ['filter']);
        return { kind, filter: this.filter(r.filter, `${path}.filter`, depth + 1) };
      case 'property':
        this.onlyFields(r, path, ['path', 'test']);
        return { kind, path: this.path(r.path, `${path}.path`), test: this.valueTest(r.test, `${path}.test`) };
      default:
        return assertNever(kind);
    }
  }

  valueTest(value: unknown, path: string): ValueTest {
    const r = this.object(value, path, ['op', 'value', 'negated', 'values']);
    const kind = this.kind(r, path, TEST_KINDS);
    switch (kind) {
      case 'compare':
        this.onlyFields(r, path, ['op', 'value']);
        return { kind, op: this.oneOf(r.op, `${path}.op`, OPS), value: this.literal(r.value, `${path}.value`) };
      case 'in':
        this.onlyFields(r, path, ['negated', 'values']);
        return {
          kind,
          negated: this.boolean(r.negated, `${path}.negated`),
          values: this.each(r.values, `${path}.values`, 0, (x, p) => this.literal(x, p)),
        };
      case 'contains':
      case 'starts_with':
        this.onlyFields(r, path, ['value']);
        return { kind, value: this.stringLiteral(r.value, `${path}.value`) };
      case 'exists':
      case 'missing':
        this.onlyFields(r, path, []);
        return { kind };
      default:
        return assertNever(kind);
    }
  }

  literal(value: unknown, path: string): Literal {
    const r = this.object(value, path, ['value', 'percent']);
    const kind = this.kind(r, path, LITERAL_KINDS);
    switch (kind) {
      case 'string':
        return this.stringLiteral(r, path);
      case 'number':
        return this.numberLiteral(r, path);
      case 'boolean':
        this.onlyFields(r, path, ['value']);
        return { kind, value: this.boolean(r.value, `${path}.value`) };
      case 'date': {
        this.onlyFields(r, path, ['value']);
        const text = this.string(r.value, `${path}.value`);
        if (!isValidDateText(text)) return this.fail(`${path}.value`, 'expected YYYY-MM-DD or an ISO 8601 instant');
        return { kind, value: text };
      }
      default:
        return assertNever(kind);
    }
  }

  /** `{ "name": "24h", "weight": 45 }` of an experiment split (weights are checked by the checker, as in text). */
  armShare(value: unknown, path: string): ArmShare {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(path, 'expected { "name": "24h", "weight": 45 }');
    const r = value as Record<string, unknown>;
    this.onlyFields(r, path, ['name', 'weight']);
    if ('kind' in r) this.fail(`${path}.kind`, 'an arm share has no kind');
    const weight = r.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) return this.fail(`${path}.weight`, 'expected a finite number');
    return { name: this.string(r.name, `${path}.name`), weight };
  }

  stringLiteral(value: unknown, path: string): StringLiteral {
    const r = this.object(value, path, ['value']);
    this.kind(r, path, ['string'] as const);
    return { kind: 'string', value: this.string(r.value, `${path}.value`) };
  }

  numberLiteral(value: unknown, path: string): NumberLiteral {
    const r = this.object(value, path, ['value', 'percent']);
    this.kind(r, path, ['number'] as const);
    const n = r.value;
    if (typeof n !== 'number' || !Number.isFinite(n)) return this.fail(`${path}.value`, 'expected a finite number');
    if (r.percent === undefined) return { kind: 'number', value: n };
    if (r.percent !== true) return this.fail(`${path}.percent`, 'expected true or no field');
    return { kind: 'number', value: n, percent: true };
  }

  duration(value: unknown, path: string): Duration {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(path, 'expected { "amount": 7, "unit": "d" }');
    const r = value as Record<string, unknown>;
    this.onlyFields(r, path, ['amount', 'unit']);
    if ('kind' in r) this.fail(`${path}.kind`, 'a duration has no kind');
    const amount = r.amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
      return this.fail(`${path}.amount`, 'expected a whole number greater than zero');
    }
    return { amount, unit: this.oneOf(r.unit, `${path}.unit`, UNITS) };
  }

  window(value: unknown, path: string): Window {
    const r = this.object(value, path, ['duration', 'from', 'to']);
    const kind = this.kind(r, path, WINDOW_KINDS);
    switch (kind) {
      case 'within':
      case 'before':
        this.onlyFields(r, path, ['duration']);
        return { kind, duration: this.duration(r.duration, `${path}.duration`) };
      case 'between':
        this.onlyFields(r, path, ['from', 'to']);
        return { kind, from: this.duration(r.from, `${path}.from`), to: this.duration(r.to, `${path}.to`) };
      default:
        return assertNever(kind);
    }
  }
}
