import { durationMs, safeParseRule, type Condition, type DurationUnit, type EventSelector } from '../../rules/index.js';

/** One arm: a rule (the trigger as this arm defines it) and its share of people. */
export interface ArmDefinition {
  readonly name: string;
  /** Rule text: when a person assigned to this arm is exposed (enters the arm's segment). */
  readonly rule: string;
  /** Relative share of people (any scale; 45/45/10 and 0.45/0.45/0.1 are the same split). */
  readonly weight: number;
  /** The holdout: exposure is recorded (as the counterfactual trigger) but the arm is never acted on. */
  readonly holdout?: boolean;
}

/** What an experiment measures after each exposure. */
export type MetricDefinition =
  | {
      /** Share of exposed people with at least one matching event within the window after exposure. */
      readonly kind: 'conversion';
      readonly name: string;
      /** An event selector in rule syntax: `"Order Completed"` or `"Order Completed" where total > 20`. */
      readonly event: string;
      /** How long after exposure a matching event counts: `3d`, `72h`. */
      readonly window: string;
      /** A metric that must not rise (e.g. unsubscribes): reported as better / worse, not as a win. */
      readonly guardrail?: boolean;
    }
  | {
      /** Mean per exposed person of the sum of a numeric property of matching events within the window. */
      readonly kind: 'revenue';
      readonly name: string;
      readonly event: string;
      /** The numeric property summed, e.g. `revenue` or `order.total`. */
      readonly property: string;
      readonly window: string;
    }
  | {
      /** Share of exposed people for whom a rule holds at exposure + window (evaluated once that instant passes). */
      readonly kind: 'rule';
      readonly name: string;
      /** Rule text, e.g. `performed("Order Completed", within 7d)` or `sum("Order Completed".revenue, within 30d) >= 100`. */
      readonly rule: string;
      readonly window: string;
    };

/** An experiment as declared (API body or `*.experiment.json` file). */
export interface ExperimentDefinition {
  /** Unique in the workspace; names the arm segments `__exp:<name>:<arm>`. */
  readonly name: string;
  readonly description?: string;
  /** The arm every other arm is compared with. Not the holdout. */
  readonly control: string;
  readonly arms: readonly ArmDefinition[];
  readonly metrics: readonly MetricDefinition[];
  /** Planned exposures per arm: tunes the sequential test (default 10,000). */
  readonly plannedPerArm?: number;
  /** Two-sided significance level (default 0.05). */
  readonly alpha?: number;
  /** Assignment salt; default the experiment's id (so two experiments never share a split). */
  readonly salt?: string;
}

/** An event metric ready to match events: the selector parsed, the window in ms. */
export type CompiledMetric = Exclude<MetricDefinition, { kind: 'rule' }> & { readonly selector: EventSelector; readonly windowMs: number; readonly path?: readonly string[] };

/** A rule metric ready to evaluate. */
export type CompiledRuleMetric = Extract<MetricDefinition, { kind: 'rule' }> & { readonly condition: Condition; readonly windowMs: number };

/** One thing wrong with a definition, with the JSON path of the field. */
export interface DefinitionProblem {
  readonly field: string;
  readonly message: string;
}

/** The validated definition with compiled metrics, or every problem found. */
export type DefinitionResult =
  | { readonly ok: true; readonly value: ExperimentDefinition; readonly metrics: readonly CompiledMetric[]; readonly ruleMetrics: readonly CompiledRuleMetric[] }
  | { readonly ok: false; readonly problems: readonly DefinitionProblem[] };

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$/;
const WINDOW = /^([1-9]\d{0,5})([smhdw])$/;

/** The event selector of `text` (`"Order Completed" where total > 20`), via the rule parser; undefined if invalid. */
export function parseEventSelector(text: string): EventSelector | undefined {
  const parsed = safeParseRule(`performed(${text})`);
  if (!parsed.ok || parsed.value.kind !== 'performed' || parsed.value.window !== undefined) return undefined;
  return parsed.value.event;
}

/** `3d` → milliseconds; undefined when not a duration. */
export function parseWindow(text: string): number | undefined {
  const m = WINDOW.exec(text);
  return m ? durationMs({ amount: Number(m[1]), unit: m[2] as DurationUnit }) : undefined;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Validates an experiment definition from untrusted JSON and collects every problem (not just the first):
 * names, at least two arms, positive finite weights, one control that is not the holdout, at most one holdout,
 * rules that parse, metrics with a valid event selector and window. Unknown fields are refused, so a typo such
 * as `wieght` is an error rather than a silently equal split.
 */
export function parseExperimentDefinition(input: unknown): DefinitionResult {
  const problems: DefinitionProblem[] = [];
  const bad = (field: string, message: string): void => void problems.push({ field, message });
  if (!isObject(input)) return { ok: false, problems: [{ field: '', message: 'an experiment is a JSON object' }] };
  for (const key of Object.keys(input)) {
    if (!['name', 'description', 'control', 'arms', 'metrics', 'plannedPerArm', 'alpha', 'salt'].includes(key)) bad(key, `unknown field "${key}"`);
  }
  const name = input.name;
  if (typeof name !== 'string' || !NAME.test(name)) bad('name', 'a name of 1–80 letters, digits, spaces, _ . or -, starting with a letter or digit');
  if (input.description !== undefined && typeof input.description !== 'string') bad('description', 'a string');
  if (input.salt !== undefined && (typeof input.salt !== 'string' || input.salt === '')) bad('salt', 'a non-empty string');
  if (input.plannedPerArm !== undefined && !(typeof input.plannedPerArm === 'number' && input.plannedPerArm >= 10 && Number.isFinite(input.plannedPerArm))) {
    bad('plannedPerArm', 'a number of at least 10');
  }
  if (input.alpha !== undefined && !(typeof input.alpha === 'number' && input.alpha > 0 && input.alpha < 0.5)) bad('alpha', 'a number between 0 and 0.5');
  const arms: ArmDefinition[] = [];
  if (!Array.isArray(input.arms) || input.arms.length < 2) bad('arms', 'at least two arms');
  else {
    input.arms.forEach((raw: unknown, i) => {
      const at = `arms[${i}]`;
      if (!isObject(raw)) return bad(at, 'an arm is an object { name, rule, weight }');
      for (const key of Object.keys(raw)) if (!['name', 'rule', 'weight', 'holdout'].includes(key)) bad(`${at}.${key}`, `unknown field "${key}"`);
      const armName = raw.name;
      if (typeof armName !== 'string' || !NAME.test(armName)) bad(`${at}.name`, 'a name of 1–80 letters, digits, spaces, _ . or -');
      else if (arms.some((a) => a.name === armName)) bad(`${at}.name`, `the arm name "${armName}" is used twice`);
      if (typeof raw.rule !== 'string') bad(`${at}.rule`, 'rule text');
      else {
        const parsed = safeParseRule(raw.rule);
        if (!parsed.ok) bad(`${at}.rule`, parsed.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
      }
      if (!(typeof raw.weight === 'number' && raw.weight > 0 && Number.isFinite(raw.weight))) bad(`${at}.weight`, 'a number above 0');
      if (raw.holdout !== undefined && typeof raw.holdout !== 'boolean') bad(`${at}.holdout`, 'true or false');
      if (typeof armName === 'string' && typeof raw.rule === 'string' && typeof raw.weight === 'number') {
        arms.push({ name: armName, rule: raw.rule, weight: raw.weight, ...(raw.holdout === true ? { holdout: true } : {}) });
      }
    });
    if (arms.filter((a) => a.holdout).length > 1) bad('arms', 'at most one holdout arm');
  }
  const control = arms.find((a) => a.name === input.control);
  if (typeof input.control !== 'string' || (Array.isArray(input.arms) && control === undefined && arms.length === input.arms.length)) {
    bad('control', 'the name of one of the arms');
  } else if (control?.holdout) bad('control', 'the control is an acted-on arm; the holdout cannot be the control');
  const metrics: CompiledMetric[] = [];
  const ruleMetrics: CompiledRuleMetric[] = [];
  const names = new Set<string>();
  if (!Array.isArray(input.metrics) || input.metrics.length === 0) bad('metrics', 'at least one metric');
  else {
    input.metrics.forEach((raw: unknown, i) => {
      const at = `metrics[${i}]`;
      if (!isObject(raw)) return bad(at, 'a metric is an object { kind, name, event, window }');
      const kind = raw.kind;
      if (kind === 'rule') {
        for (const key of Object.keys(raw)) if (!['kind', 'name', 'rule', 'window'].includes(key)) bad(`${at}.${key}`, `unknown field "${key}" for a rule metric`);
        const ruleName = raw.name;
        if (typeof ruleName !== 'string' || !NAME.test(ruleName)) bad(`${at}.name`, 'a name of 1–80 letters, digits, spaces, _ . or -');
        else if (names.has(ruleName)) bad(`${at}.name`, `the metric name "${ruleName}" is used twice`);
        const parsedRule = typeof raw.rule === 'string' ? safeParseRule(raw.rule) : undefined;
        if (!parsedRule?.ok) bad(`${at}.rule`, parsedRule ? parsedRule.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') : 'rule text');
        const ruleWindow = typeof raw.window === 'string' ? parseWindow(raw.window) : undefined;
        if (ruleWindow === undefined) bad(`${at}.window`, 'a duration such as 3d, 72h or 30m');
        if (typeof ruleName === 'string') names.add(ruleName);
        if (typeof ruleName === 'string' && parsedRule?.ok && ruleWindow !== undefined && typeof raw.window === 'string') {
          ruleMetrics.push({ kind, name: ruleName, rule: raw.rule as string, window: raw.window, condition: parsedRule.value, windowMs: ruleWindow });
        }
        return;
      }
      if (kind !== 'conversion' && kind !== 'revenue') return bad(`${at}.kind`, '"conversion", "revenue" or "rule"');
      const allowed = kind === 'conversion' ? ['kind', 'name', 'event', 'window', 'guardrail'] : ['kind', 'name', 'event', 'window', 'property'];
      for (const key of Object.keys(raw)) if (!allowed.includes(key)) bad(`${at}.${key}`, `unknown field "${key}" for a ${kind} metric`);
      const metricName = raw.name;
      if (typeof metricName !== 'string' || !NAME.test(metricName)) bad(`${at}.name`, 'a name of 1–80 letters, digits, spaces, _ . or -');
      else if (names.has(metricName)) bad(`${at}.name`, `the metric name "${metricName}" is used twice`);
      if (typeof metricName === 'string') names.add(metricName);
      const selector = typeof raw.event === 'string' ? parseEventSelector(raw.event) : undefined;
      if (selector === undefined) bad(`${at}.event`, 'an event selector such as "Order Completed" or "Order Completed" where total > 20');
      const windowMs = typeof raw.window === 'string' ? parseWindow(raw.window) : undefined;
      if (windowMs === undefined) bad(`${at}.window`, 'a duration such as 3d, 72h or 30m');
      if (kind === 'conversion' && raw.guardrail !== undefined && typeof raw.guardrail !== 'boolean') bad(`${at}.guardrail`, 'true or false');
      const path = typeof raw.property === 'string' && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(raw.property) ? raw.property.split('.') : undefined;
      if (kind === 'revenue' && path === undefined) bad(`${at}.property`, 'a property name such as revenue or order.total');
      if (typeof metricName !== 'string' || selector === undefined || windowMs === undefined || typeof raw.event !== 'string' || typeof raw.window !== 'string') return;
      if (kind === 'conversion') {
        metrics.push({ kind, name: metricName, event: raw.event, window: raw.window, ...(raw.guardrail === true ? { guardrail: true } : {}), selector, windowMs });
      } else if (path !== undefined) {
        metrics.push({ kind, name: metricName, event: raw.event, window: raw.window, property: path.join('.'), selector, windowMs, path });
      }
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const value: ExperimentDefinition = {
    name: name as string,
    ...(typeof input.description === 'string' ? { description: input.description } : {}),
    control: input.control as string,
    arms,
    // declared order, without the compiled parts
    metrics: (input.metrics as { name: string }[]).map((raw) => {
      const event = metrics.find((m) => m.name === raw.name);
      if (event) {
        const { selector: _s, windowMs: _w, path: _p, ...m } = event;
        return m as MetricDefinition;
      }
      const { condition: _c, windowMs: _w, ...m } = ruleMetrics.find((r) => r.name === raw.name)!;
      return m;
    }),
    ...(typeof input.plannedPerArm === 'number' ? { plannedPerArm: input.plannedPerArm } : {}),
    ...(typeof input.alpha === 'number' ? { alpha: input.alpha } : {}),
    ...(typeof input.salt === 'string' ? { salt: input.salt } : {}),
  };
  return { ok: true, value, metrics, ruleMetrics };
}
