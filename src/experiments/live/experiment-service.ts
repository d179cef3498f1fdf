import { newId, type Clock, type Result } from '../../core/index.js';
import type { RuleProblem, SegmentService } from '../../engine/index.js';
import type { Store } from '../../store/index.js';
import { analyzeArms, momentsFromSums, proportionMoments, verdictLines, type ArmInput, type ExperimentAnalysis, type MetricSpec } from '../stats/index.js';
import { parseExperimentDefinition, type DefinitionProblem, type ExperimentDefinition } from './experiment-definition.js';
import { armSegmentRule } from './arm-segment-rule.js';
import { armSegmentName, type ExperimentRecord } from './experiment-record.js';
import { ExperimentRepoSql } from './experiment-repo-sql.js';

/** Expected failures of experiment operations, as values. */
export type ExperimentFailure =
  | { readonly kind: 'invalid'; readonly problems: readonly DefinitionProblem[] }
  | { readonly kind: 'invalid_rule'; readonly arm: string; readonly diagnostics: readonly RuleProblem[] }
  | { readonly kind: 'name_taken'; readonly name: string }
  | { readonly kind: 'changed'; readonly name: string }
  | { readonly kind: 'not_found'; readonly id: string };

/** A result: the value, or an expected failure. */
export type ExperimentResult<T> = Result<T, ExperimentFailure>;

/** An experiment's report: the statistics, the plain-language verdict, and when it was computed. */
export interface ExperimentReport {
  readonly experiment: ExperimentRecord;
  readonly at: number;
  readonly analysis: ExperimentAnalysis;
  readonly verdict: readonly string[];
  /** Per arm, cumulative by UTC day: exposures and people converted per conversion metric (for a chart). */
  readonly series: Readonly<Record<string, readonly CumulativePoint[]>>;
}

/** One day of an arm's cumulative series. */
export interface CumulativePoint {
  /** The UTC day, as epoch ms of its midnight. */
  readonly day: number;
  readonly exposures: number;
  readonly converters: Readonly<Record<string, number>>;
}

/** Experiments administration and reports (the port the API and the CLI use). */
export interface ExperimentService {
  list(workspaceId: string): Promise<ExperimentRecord[]>;
  get(workspaceId: string, idOrName: string): Promise<ExperimentRecord | undefined>;
  /**
   * Creates an experiment, or — for `segflow apply` — returns the existing one unchanged when its definition is
   * identical. A different definition under an existing name is refused (`changed`): editing arms or weights
   * of a running experiment would mix two experiments in one report.
   */
  create(workspaceId: string, input: unknown): Promise<ExperimentResult<{ experiment: ExperimentRecord; created: boolean }>>;
  /** Stops recording; the report stays readable. */
  stop(workspaceId: string, idOrName: string): Promise<ExperimentResult<ExperimentRecord>>;
  report(workspaceId: string, idOrName: string): Promise<ExperimentResult<ExperimentReport>>;
}

/** Canonical JSON (sorted keys) for comparing definitions. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The experiment service over the store and the public {@link SegmentService}: each arm is a system segment
 * `__exp:<experiment>:<arm>` holding the arm's rule gated by the split ({@link armSegmentRule}), hidden like
 * `__email_eligible`, so its members are the people assigned to that arm who match its rule; the worker turns
 * entries into exposures (see experiment-worker.ts).
 */
export class SqlExperimentService implements ExperimentService {
  constructor(
    private readonly store: Store,
    private readonly segments: SegmentService,
    private readonly clock: Clock,
  ) {}

  private get repo(): ExperimentRepoSql {
    return new ExperimentRepoSql(this.store.sql);
  }

  list(workspaceId: string): Promise<ExperimentRecord[]> {
    return this.repo.list(workspaceId);
  }

  get(workspaceId: string, idOrName: string): Promise<ExperimentRecord | undefined> {
    return this.repo.get(workspaceId, idOrName);
  }

  async create(workspaceId: string, input: unknown): Promise<ExperimentResult<{ experiment: ExperimentRecord; created: boolean }>> {
    const parsed = parseExperimentDefinition(input);
    if (!parsed.ok) return { ok: false, error: { kind: 'invalid', problems: parsed.problems } };
    const definition: ExperimentDefinition = parsed.value;
    const existing = await this.repo.get(workspaceId, definition.name);
    if (existing) {
      return canonical(existing.definition) === canonical(definition)
        ? { ok: true, value: { experiment: existing, created: false } }
        : { ok: false, error: { kind: 'changed', name: definition.name } };
    }
    const now = this.clock.now();
    const id = newId('exp');
    const record: ExperimentRecord = {
      id,
      workspaceId,
      name: definition.name,
      definition,
      salt: definition.salt ?? id,
      status: 'running',
      createdAt: now,
      updatedAt: now,
    };
    // the record first, then the segments: the worker maps an arm segment's entries to the experiment by name,
    // so the experiment must be findable before its first entry can be logged
    if (!(await this.repo.insert(record))) return { ok: false, error: { kind: 'name_taken', name: definition.name } };
    const created: string[] = [];
    for (const arm of definition.arms) {
      const name = armSegmentName(definition.name, arm.name);
      const rule = armSegmentRule(definition, record.salt, arm.name);
      const saved = await this.segments.create(workspaceId, { name, rule, description: `Arm ${arm.name} of experiment ${definition.name}` });
      if (!saved.ok) {
        for (const done of created) await this.segments.delete(workspaceId, done);
        await this.repo.delete(id);
        if (saved.error.kind === 'invalid_rule') return { ok: false, error: { kind: 'invalid_rule', arm: arm.name, diagnostics: saved.error.diagnostics } };
        return { ok: false, error: { kind: 'name_taken', name } };
      }
      created.push(name);
    }
    return { ok: true, value: { experiment: record, created: true } };
  }

  async stop(workspaceId: string, idOrName: string): Promise<ExperimentResult<ExperimentRecord>> {
    const found = await this.repo.get(workspaceId, idOrName);
    if (!found) return { ok: false, error: { kind: 'not_found', id: idOrName } };
    if (found.status === 'stopped') return { ok: true, value: found };
    const at = this.clock.now();
    await this.repo.setStatus(found.id, 'stopped', at);
    for (const arm of found.definition.arms) await this.segments.delete(workspaceId, armSegmentName(found.name, arm.name));
    return { ok: true, value: { ...found, status: 'stopped', updatedAt: at } };
  }

  async report(workspaceId: string, idOrName: string): Promise<ExperimentResult<ExperimentReport>> {
    const experiment = await this.repo.get(workspaceId, idOrName);
    if (!experiment) return { ok: false, error: { kind: 'not_found', id: idOrName } };
    const analysis = await computeReport(this.repo, experiment);
    const conversionMetrics = experiment.definition.metrics.filter((m) => m.kind === 'conversion').map((m) => m.name);
    const series: Record<string, CumulativePoint[]> = Object.fromEntries(experiment.definition.arms.map((a) => [a.name, []]));
    const totals = new Map<string, { exposures: number; converters: Record<string, number> }>();
    for (const row of await this.repo.daily(experiment.id, conversionMetrics)) {
      const total = totals.get(row.arm) ?? { exposures: 0, converters: Object.fromEntries(conversionMetrics.map((m) => [m, 0])) };
      total.exposures += row.exposures;
      for (const [m, n] of Object.entries(row.converters)) total.converters[m] = (total.converters[m] ?? 0) + n;
      totals.set(row.arm, total);
      series[row.arm]?.push({ day: row.day * 86_400_000, exposures: total.exposures, converters: { ...total.converters } });
    }
    return { ok: true, value: { experiment, at: this.clock.now(), analysis, verdict: verdictLines(analysis), series } };
  }
}

/**
 * The analysis of a live experiment from its stored exposures and conversions: a conversion metric is the share
 * of exposed people who converted (a rate); a revenue metric is the mean per exposed person of their total in
 * the window, non-converters counting 0 (a mean). Exposures still inside their metric window count too: all
 * arms are read at the same instant, so the comparison stays fair, but rates keep rising until the last window
 * closes. A rule metric counts only the people whose exposure + window has passed (its own n per arm).
 */
export async function computeReport(repo: ExperimentRepoSql, experiment: ExperimentRecord): Promise<ExperimentAnalysis> {
  const definition = experiment.definition;
  const eventMetrics = definition.metrics.filter((m) => m.kind !== 'rule').map((m) => m.name);
  const aggregates = new Map((await repo.aggregate(experiment.id, eventMetrics)).map((a) => [a.arm, a]));
  const ruleAggregates = new Map<string, Map<string, { evaluated: number; held: number }>>();
  for (const m of definition.metrics) if (m.kind === 'rule') ruleAggregates.set(m.name, await repo.aggregateRule(experiment.id, m.name));
  const specs: MetricSpec[] = definition.metrics.map((m) => ({
    name: m.name,
    kind: m.kind === 'revenue' ? 'mean' : 'proportion',
    ...(m.kind === 'conversion' && m.guardrail ? { guardrail: true } : {}),
  }));
  const arms: ArmInput[] = definition.arms.map((arm) => {
    const agg = aggregates.get(arm.name);
    const n = agg?.exposures ?? 0;
    const metrics: ArmInput['metrics'] = Object.fromEntries(
      definition.metrics.map((m) => {
        if (m.kind === 'rule') {
          // only people whose window has closed have a value: each arm's n for this metric is theirs
          const r = ruleAggregates.get(m.name)?.get(arm.name);
          return [m.name, proportionMoments(r?.evaluated ?? 0, r?.held ?? 0)];
        }
        const a = agg?.metrics[m.name];
        return [m.name, m.kind === 'conversion' ? proportionMoments(n, a?.people ?? 0) : momentsFromSums(n, a?.sum ?? 0, a?.sumOfSquares ?? 0)];
      }),
    );
    return { arm: arm.name, n, weight: arm.weight, metrics };
  });
  return analyzeArms(arms, specs, {
    control: definition.control,
    ...(definition.alpha !== undefined ? { alpha: definition.alpha } : {}),
    ...(definition.plannedPerArm !== undefined ? { plannedPerArm: definition.plannedPerArm } : {}),
  });
}
