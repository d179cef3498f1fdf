import type { Condition, Diagnostic, EventSelector, Span } from '../rules/index.js';
import { checkRule, closestMatch, lintRule, safeParseRule } from '../rules/index.js';
import { parseDurationText, parseTimeOfDay } from './duration-text.js';
import { isValidTimeZone } from './local-time.js';
import { checkLoops } from './check-loops.js';
import type { ActionSpec, ReEntry, Step, Trigger, WaitSpec, WorkflowDefinition, WorkflowRule } from './workflow-definition.js';
import { workflowProblem, type WorkflowProblem, type WorkflowProblemCode } from './workflow-problem.js';

/** One segment of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

/** Maps a JSON path (and, for a rule string, a span inside it) to a 1-based line and column in the source file. */
export type Locate = (path: readonly PathSegment[], span?: Span) => { readonly line: number; readonly column: number } | undefined;

/** What a definition may refer to: known segments (name → rule) and destination names. Absent: not checked. */
export interface WorkflowContext {
  readonly segments?: ReadonlyMap<string, Condition>;
  readonly destinations?: ReadonlySet<string>;
}

/** The outcome of parsing: the definition and its warnings, or every problem found. */
export type WorkflowParseResult =
  | { readonly ok: true; readonly value: WorkflowDefinition; readonly warnings: readonly WorkflowProblem[] }
  | { readonly ok: false; readonly problems: readonly WorkflowProblem[] };

const TOP_FIELDS = ['name', 'description', 'trigger', 'steps', 'goal', 'exit_when', 're_entry', 'quiet_hours', 'frequency_cap', 'timezone'];
const STEP_KINDS = ['wait', 'wait_until', 'if', 'goto', 'webhook', 'set_trait', 'add_to_list', 'remove_from_list', 'exit'];
const STEP_EXTRA: Readonly<Record<string, readonly string[]>> = { if: ['then', 'else'], wait_until: ['on_timeout'] };
const STEP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_STEPS = 500;

export function pathText(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Parser {
  readonly problems: WorkflowProblem[] = [];
  readonly warnings: WorkflowProblem[] = [];
  private readonly stepIds = new Map<string, string>();
  private stepCount = 0;
  private readonly gotoRefs: { target: string; path: readonly PathSegment[] }[] = [];

  constructor(
    private readonly context: WorkflowContext,
    private readonly locate: Locate | undefined,
  ) {}

  private add(problem: WorkflowProblem, path: readonly PathSegment[], span?: Span): void {
    const at = this.locate?.(path, span);
    const located = at
      ? { ...problem, line: at.line, column: at.column }
      : span
        ? { ...problem, ruleLine: span.line, ruleColumn: span.column }
        : problem;
    (located.severity === 'warning' ? this.warnings : this.problems).push(located);
  }

  fail(code: WorkflowProblemCode, path: readonly PathSegment[], args: readonly string[] = []): undefined {
    this.add(workflowProblem(code, pathText(path), args), path);
    return undefined;
  }

  fields(o: Record<string, unknown>, allowed: readonly string[], path: readonly PathSegment[]): void {
    for (const key of Object.keys(o)) {
      if (allowed.includes(key)) continue;
      const near = closestMatch(key, allowed);
      this.fail('WF002', [...path, key], [JSON.stringify(key), near ? `did you mean "${near}"?` : `expected one of ${allowed.join(', ')}.`]);
    }
  }

  string(v: unknown, path: readonly PathSegment[], what = 'a string'): string | undefined {
    if (typeof v === 'string' && v.trim() !== '') return v;
    return this.fail('WF001', path, [what]);
  }

  duration(v: unknown, path: readonly PathSegment[]): number | undefined {
    const ms = parseDurationText(v);
    return ms ?? this.fail('WF004', path, [JSON.stringify(v)]);
  }

  private ruleDiagnostics(diagnostics: readonly Diagnostic[], path: readonly PathSegment[]): void {
    for (const d of diagnostics) {
      const problem: WorkflowProblem = {
        code: d.code,
        severity: d.severity,
        path: pathText(path),
        message: d.path === undefined ? d.message : `${d.path}: ${d.message}`,
      };
      this.add(problem, path, d.span);
    }
  }

  rule(v: unknown, path: readonly PathSegment[]): WorkflowRule | undefined {
    const text = this.string(v, path, 'a rule of the segment rule language');
    if (text === undefined) return undefined;
    const parsed = safeParseRule(text);
    if (!parsed.ok) {
      this.ruleDiagnostics(parsed.diagnostics, path);
      return undefined;
    }
    const checked = checkRule(parsed.value, this.context.segments ? { segments: this.context.segments } : {});
    this.ruleDiagnostics([...parsed.diagnostics, ...checked, ...lintRule(parsed.value)], path);
    return checked.some((d) => d.severity === 'error') ? undefined : { text, condition: parsed.value };
  }

  /** `"Order Completed"` or `"Product Added" where cart_id = "c1"`… parsed through the rule language's own selector syntax. */
  selector(name: unknown, where: unknown, path: readonly PathSegment[], wherePath: readonly PathSegment[]): EventSelector | undefined {
    const event = this.string(name, path, 'an event name');
    if (event === undefined) return undefined;
    if (where !== undefined && typeof where !== 'string') return this.fail('WF001', wherePath, ['a filter in the rule language (e.g. total > 10)']);
    const prefix = `performed(${JSON.stringify(event)}${where === undefined ? '' : ' where '}`;
    const parsed = safeParseRule(`${prefix}${where ?? ''})`);
    if (!parsed.ok || parsed.value.kind !== 'performed') {
      // Shift spans so that they point into the `where` text as written.
      const shifted = (parsed.ok ? [] : parsed.diagnostics).map((d) =>
        d.span ? { ...d, span: { ...d.span, offset: d.span.offset - prefix.length, column: Math.max(1, d.span.column - prefix.length) } } : d,
      );
      this.ruleDiagnostics(shifted, where === undefined ? path : wherePath);
      if (parsed.ok) this.fail('WF001', wherePath, ['a filter over the event properties']);
      return undefined;
    }
    return parsed.value.event;
  }

  trigger(v: unknown, path: readonly PathSegment[]): Trigger | undefined {
    if (!isObject(v)) return this.fail('WF001', path, ['an object with entered, exited or event']);
    const kinds = ['entered', 'exited', 'event'].filter((k) => v[k] !== undefined);
    this.fields(v, ['entered', 'exited', 'event', 'where', 'key'], path);
    if (kinds.length !== 1) return this.fail('WF010', path, [kinds.length === 0 ? 'none (use entered, exited or event)' : kinds.join(' and ')]);
    const kind = kinds[0] as 'entered' | 'exited' | 'event';
    if (kind !== 'event') {
      if (v.where !== undefined) this.fail('WF002', [...path, 'where'], ['"where"', 'only event triggers take a filter.']);
      if (v.key !== undefined) this.fail('WF002', [...path, 'key'], ['"key"', 'only event triggers take a key.']);
      const segment = this.string(v[kind], [...path, kind], 'a segment name');
      if (segment === undefined) return undefined;
      if (this.context.segments && !this.context.segments.has(segment)) {
        const near = closestMatch(segment, [...this.context.segments.keys()]);
        return this.fail('WF005', [...path, kind], [`${JSON.stringify(segment)}${near ? ` (did you mean "${near}"?)` : ''}`]);
      }
      return { kind, segment };
    }
    const selector = this.selector(v.event, v.where, [...path, 'event'], [...path, 'where']);
    let key: string[] | undefined;
    if (v.key !== undefined) {
      const m = typeof v.key === 'string' ? /^properties\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)$/.exec(v.key.trim()) : null;
      if (!m) return this.fail('WF016', [...path, 'key'], [JSON.stringify(v.key)]);
      key = (m[1] ?? '').split('.');
    }
    return selector === undefined ? undefined : { kind: 'event', selector, ...(key ? { key } : {}) };
  }

  steps(v: unknown, path: readonly PathSegment[]): Step[] | undefined {
    if (!Array.isArray(v)) return this.fail('WF001', path, ['a list of steps']);
    // Siblings of a failed step stay, so that goto targets and loops are still checked; the problems already
    // recorded make the whole definition fail.
    // A step that fails is kept as a placeholder wait so that the indices in later paths stay right and no
    // false loop error is reported through it.
    const out: Step[] = [];
    v.forEach((s, i) => {
      out.push(this.step(s, [...path, i]) ?? { kind: 'wait', id: `(invalid ${pathText([...path, i])})`, wait: { kind: 'for', ms: 1, text: '' } });
    });
    return out;
  }

  private wait(v: unknown, path: readonly PathSegment[]): WaitSpec | undefined {
    if (isObject(v)) {
      this.fields(v, ['until'], path);
      const minute = parseTimeOfDay(v.until);
      if (minute === undefined) return this.fail('WF012', [...path, 'until'], [JSON.stringify(v.until)]);
      return { kind: 'until_time', hour: Math.floor(minute / 60), minute: minute % 60, text: String(v.until) };
    }
    const ms = this.duration(v, path);
    return ms === undefined ? undefined : { kind: 'for', ms, text: String(v) };
  }

  step(v: unknown, path: readonly PathSegment[]): Step | undefined {
    if (++this.stepCount > MAX_STEPS) return this.fail('WF019', path, [`a workflow has at most ${MAX_STEPS} steps`]);
    if (!isObject(v)) return this.fail('WF001', path, ['a step object with an id and one kind (wait, if, webhook, …)']);
    const kinds = STEP_KINDS.filter((k) => v[k] !== undefined);
    if (kinds.length !== 1) {
      this.fields(v, ['id', ...STEP_KINDS, 'then', 'else', 'on_timeout'], path);
      return this.fail('WF010', path, [kinds.length === 0 ? `none (use one of ${STEP_KINDS.join(', ')})` : kinds.join(' and ')]);
    }
    const kind = kinds[0] as string;
    this.fields(v, ['id', kind, ...(STEP_EXTRA[kind] ?? [])], path);
    const id = this.string(v.id, [...path, 'id'], 'a step id');
    if (id === undefined) return undefined;
    if (!STEP_ID.test(id)) return this.fail('WF018', [...path, 'id'], [JSON.stringify(id)]);
    const first = this.stepIds.get(id);
    if (first !== undefined) return this.fail('WF007', [...path, 'id'], [JSON.stringify(id), first]);
    this.stepIds.set(id, pathText(path));
    const at = [...path, kind];
    switch (kind) {
      case 'wait': {
        const wait = this.wait(v.wait, at);
        return wait && { kind: 'wait', id, wait };
      }
      case 'wait_until': {
        const w = v.wait_until;
        if (!isObject(w)) return this.fail('WF001', at, ['an object { rule | event, timeout }']);
        this.fields(w, ['rule', 'event', 'where', 'timeout'], at);
        if ((w.rule === undefined) === (w.event === undefined)) return this.fail('WF015', at);
        const rule = w.rule === undefined ? undefined : this.rule(w.rule, [...at, 'rule']);
        const event = w.event === undefined ? undefined : this.selector(w.event, w.where, [...at, 'event'], [...at, 'where']);
        const timeoutMs = w.timeout === undefined ? this.fail('WF003', [...at, 'timeout'], ['timeout']) : this.duration(w.timeout, [...at, 'timeout']);
        const onTimeout = v.on_timeout === undefined ? [] : this.steps(v.on_timeout, [...path, 'on_timeout']);
        if ((rule === undefined && event === undefined) || timeoutMs === undefined || onTimeout === undefined) return undefined;
        return { kind: 'wait_until', id, ...(rule ? { rule } : {}), ...(event ? { event } : {}), timeoutMs, onTimeout };
      }
      case 'if': {
        const rule = this.rule(v.if, at);
        const then = v.then === undefined ? this.fail('WF003', [...path, 'then'], ['then']) : this.steps(v.then, [...path, 'then']);
        const otherwise = v.else === undefined ? [] : this.steps(v.else, [...path, 'else']);
        return rule && then && otherwise ? { kind: 'if', id, rule, then, else: otherwise } : undefined;
      }
      case 'goto': {
        const target = this.string(v.goto, at, 'a step id');
        if (target !== undefined) this.gotoRefs.push({ target, path: at });
        return target === undefined ? undefined : { kind: 'goto', id, target };
      }
      case 'webhook': {
        const destination = this.string(v.webhook, at, 'a destination name');
        if (destination === undefined) return undefined;
        if (this.context.destinations && !this.context.destinations.has(destination)) {
          const near = closestMatch(destination, [...this.context.destinations]);
          return this.fail('WF006', at, [`${JSON.stringify(destination)}${near ? ` (did you mean "${near}"?)` : ''}`]);
        }
        return { kind: 'action', id, action: { kind: 'webhook', destination } };
      }
      case 'set_trait': {
        const traits = v.set_trait;
        if (!isObject(traits) || Object.keys(traits).length === 0) return this.fail('WF001', at, ['an object of trait names and values']);
        return { kind: 'action', id, action: { kind: 'set_trait', traits } satisfies ActionSpec };
      }
      case 'add_to_list':
      case 'remove_from_list': {
        // `add_to_list: "<ESP destination>"` (its own list) or `{ destination, list }`
        const raw = v[kind];
        const spec = isObject(raw) ? raw : { destination: raw };
        for (const key of Object.keys(spec)) if (key !== 'destination' && key !== 'list') return this.fail('WF001', at, [`destination and list only (found ${JSON.stringify(key)})`]);
        const destination = this.string(spec.destination, at, 'an ESP destination name');
        if (destination === undefined) return undefined;
        const list = spec.list === undefined ? '' : this.string(spec.list, at, 'a list id');
        if (list === undefined) return undefined;
        if (this.context.destinations && !this.context.destinations.has(destination)) {
          const near = closestMatch(destination, [...this.context.destinations]);
          return this.fail('WF006', at, [`${JSON.stringify(destination)}${near ? ` (did you mean "${near}"?)` : ''}`]);
        }
        return { kind: 'action', id, action: { kind, destination, list } satisfies ActionSpec };
      }
      case 'exit':
        if (v.exit !== true && v.exit !== null && v.exit !== 'true') return this.fail('WF001', at, ['exit: true']);
        return { kind: 'exit', id };
      default:
        return this.fail('WF010', path, [kind]);
    }
  }

  reEntry(v: unknown, path: readonly PathSegment[]): ReEntry | undefined {
    if (v === undefined || v === 'never') return { kind: 'never' };
    if (v === 'always') return { kind: 'always' };
    const m = typeof v === 'string' ? /^after\s+(.+)$/.exec(v.trim()) : null;
    const ms = m ? parseDurationText(m[1]) : undefined;
    return ms === undefined ? this.fail('WF014', path, [JSON.stringify(v)]) : { kind: 'after', ms };
  }

  /** Reports gotos to steps that do not exist (after every step id is known: a goto may jump forward). */
  checkGotos(): void {
    for (const g of this.gotoRefs) if (!this.stepIds.has(g.target)) this.fail('WF008', g.path, [JSON.stringify(g.target)]);
  }
}

/**
 * Validates a workflow definition given as plain data (parsed JSON, or YAML turned into data) and turns it into a
 * {@link WorkflowDefinition}. Every problem is collected (all of them, not the first), each with its JSON path and,
 * when `locate` is given, its line and column in the source file. Rules are checked by the segment rule language's
 * own parser, checker and linter; their warnings come back as warnings. Never throws on bad input.
 */
export function parseWorkflow(input: unknown, context: WorkflowContext = {}, locate?: Locate): WorkflowParseResult {
  const p = new Parser(context, locate);
  if (!isObject(input)) {
    p.fail('WF001', [], ['a workflow object with name, trigger and steps']);
    return { ok: false, problems: p.problems };
  }
  p.fields(input, TOP_FIELDS, []);
  const name = input.name === undefined ? p.fail('WF003', ['name'], ['name']) : p.string(input.name, ['name'], 'a workflow name');
  if (name !== undefined && name.length > 200) p.fail('WF019', ['name'], ['a name has at most 200 characters']);
  const description = typeof input.description === 'string' ? input.description : '';
  const trigger = input.trigger === undefined ? p.fail('WF003', ['trigger'], ['trigger']) : p.trigger(input.trigger, ['trigger']);
  const steps =
    input.steps === undefined
      ? p.fail('WF003', ['steps'], ['steps'])
      : Array.isArray(input.steps) && input.steps.length === 0
        ? p.fail('WF001', ['steps'], ['at least one step'])
        : p.steps(input.steps, ['steps']);
  const goal = input.goal === undefined ? undefined : p.rule(input.goal, ['goal']);
  const exitWhen = input.exit_when === undefined ? undefined : p.rule(input.exit_when, ['exit_when']);
  const reEntry = p.reEntry(input.re_entry, ['re_entry']);
  const timezone = input.timezone === undefined ? 'UTC' : input.timezone;
  if (!isValidTimeZone(timezone)) p.fail('WF013', ['timezone'], [JSON.stringify(timezone)]);
  let quietHours: WorkflowDefinition['quietHours'];
  if (input.quiet_hours !== undefined) {
    const q = input.quiet_hours;
    if (!isObject(q)) p.fail('WF001', ['quiet_hours'], ['{ start: "21:00", end: "08:00" }']);
    else {
      p.fields(q, ['start', 'end'], ['quiet_hours']);
      const startMinute = parseTimeOfDay(q.start) ?? p.fail('WF012', ['quiet_hours', 'start'], [JSON.stringify(q.start)]);
      const endMinute = parseTimeOfDay(q.end) ?? p.fail('WF012', ['quiet_hours', 'end'], [JSON.stringify(q.end)]);
      if (startMinute !== undefined && endMinute !== undefined) quietHours = { startMinute, endMinute };
    }
  }
  let frequencyCap: WorkflowDefinition['frequencyCap'];
  if (input.frequency_cap !== undefined) {
    const f = input.frequency_cap;
    if (!isObject(f)) p.fail('WF001', ['frequency_cap'], ['{ max: 3, within: 7d }']);
    else {
      p.fields(f, ['max', 'within'], ['frequency_cap']);
      const max = Number.isSafeInteger(f.max) && (f.max as number) > 0 ? (f.max as number) : p.fail('WF001', ['frequency_cap', 'max'], ['a whole number ≥ 1']);
      const withinMs = p.duration(f.within, ['frequency_cap', 'within']);
      if (max !== undefined && withinMs !== undefined) frequencyCap = { max, withinMs };
    }
  }
  if (steps) {
    p.checkGotos();
    for (const loop of checkLoops(steps)) p.fail('WF009', loop.path, [JSON.stringify(loop.target)]);
  }
  if (p.problems.length > 0 || name === undefined || trigger === undefined || steps === undefined || reEntry === undefined) {
    return { ok: false, problems: p.problems };
  }
  return {
    ok: true,
    warnings: p.warnings,
    value: {
      name: name.trim(),
      description,
      trigger,
      steps,
      ...(goal ? { goal } : {}),
      ...(exitWhen ? { exitWhen } : {}),
      reEntry,
      ...(quietHours ? { quietHours } : {}),
      ...(frequencyCap ? { frequencyCap } : {}),
      timezone: timezone as string,
    },
  };
}
