import { checkRule, fromRuleJson, safeParseRule, segmentReferences, type Condition } from '../rules/index.js';

/** A segment as the plan sees it: its name, its rule (text or canonical JSON), and the file it came from. */
export interface PlannedSegment {
  readonly name: string;
  readonly rule: string | { readonly version: number; readonly condition: unknown };
  /** The file describing it; null for a server segment the plan leaves alone. */
  readonly file: string | null;
}

/** The outcome of checking the segment references of a whole plan. */
export interface PlanReferences {
  /** Reference errors (unknown segment, cycle) by segment name, as `file:line:col CODE message` lines. */
  readonly errors: ReadonlyMap<string, readonly string[]>;
  /** The planned segments' names in an order where every segment comes after those it references. */
  readonly order: readonly string[];
}

function conditionOf(rule: PlannedSegment['rule']): Condition | undefined {
  const parsed = typeof rule === 'string' ? safeParseRule(rule) : fromRuleJson(rule);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Checks the `in_segment` references of every planned segment against the segments that will exist once the
 * plan is applied (`after`: the planned ones plus the server's that stay), so that `apply --dry-run` catches a
 * reference to a segment that neither exists nor is being created, a cycle through segments of the plan, or a
 * reference to a segment `--prune` deletes — before anything is written. Rules that do not parse are left to
 * the server's dry run, which reports them. Also orders the planned segments so that each is saved after the
 * segments it references.
 */
export function checkPlanReferences(planned: readonly PlannedSegment[], after: readonly PlannedSegment[]): PlanReferences {
  const conditions = new Map<string, Condition>();
  for (const s of after) {
    const c = conditionOf(s.rule);
    if (c !== undefined) conditions.set(s.name, c);
  }
  // A server segment whose rule cannot be read here still exists: an always-true stand-in keeps it known.
  for (const s of after) if (!conditions.has(s.name)) conditions.set(s.name, { kind: 'subscription', state: 'subscribed' });
  const errors = new Map<string, string[]>();
  for (const s of planned) {
    const condition = conditionOf(s.rule);
    if (condition === undefined) continue;
    const found = checkRule(condition, { segments: conditions, segmentName: s.name }).filter(
      (d) => d.code === 'RULE2005' || d.code === 'RULE2006',
    );
    if (found.length === 0) continue;
    errors.set(
      s.name,
      found.map((d) => `${d.span ? `${s.file ?? s.name}:${d.span.line}:${d.span.column}` : (s.file ?? s.name)} ${d.code} ${d.message}`),
    );
  }
  const plannedNames = new Set(planned.map((s) => s.name));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.has(name)) return; // done, or a cycle (reported above)
    state.set(name, 'visiting');
    const c = conditions.get(name);
    for (const ref of c ? segmentReferences(c) : []) if (plannedNames.has(ref)) visit(ref);
    state.set(name, 'done');
    order.push(name);
  };
  for (const s of planned) visit(s.name);
  return { errors, order };
}
