/**
 * @module
 * `segflow apply DIR`: segments as code. Every `*.rule` file (header comments `# name:`, `# group:`,
 * `# priority:`, `# description:`, then the rule text) and every `*.json` file (`{ name, rule, … }`) in DIR
 * describes one segment. The command reads the server's segments, prints a plan (create, update with the
 * +entered / −exited diff from a dry run, unchanged, delete with `--prune`), checks that the plan holds
 * together as a whole (every `in_segment` reference names a segment that exists once it is applied, no cycle),
 * and applies it once confirmed, all or nothing (a refused step undoes the ones before it).
 * Running it twice changes nothing the second time. Exit codes: 0 done (or nothing to do), 1 a rule is
 * invalid or the server refused a change, 2 usage (bad directory, duplicate names, no confirmation).
 * `*.workflow.yaml` files in DIR are applied after the segments (see `workflows-apply.ts`), and `*.schema.json`
 * files are the tracking plan's schemas (see `tracking-plan-apply.ts`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  type AdminClient,
  type ApiProblem,
  type ApiSegment,
  addAdminOptions,
  clientFromOptions,
  describeProblem,
  type SaveOptions,
} from '../admin-client.js';
import { checkPlanReferences } from '../plan-references.js';
import type { RuleProblem, SegmentInput } from '../../engine/index.js';
import { waitForBackfills } from './backfill-progress.js';
import { applyExperimentDir, EXPERIMENT_FILE_SUFFIX } from './experiments-apply.js';
import { applyWorkflowDir } from './workflows-apply.js';
import { applySchemaDir, SCHEMA_FILE_SUFFIX } from './tracking-plan-apply.js';

/** One segment as described by a file in the directory. */
export interface SegmentSpec {
  readonly file: string;
  readonly body: SegmentInput & { readonly description: string; readonly group: string | null; readonly priority: number };
}

/** One step of the plan. */
export interface PlanStep {
  readonly action: 'create' | 'update' | 'unchanged' | 'delete';
  readonly name: string;
  readonly file: string | null;
  /** Profiles that would enter / exit (from the server's dry run), null when unknown. */
  readonly entered: number | null;
  readonly exited: number | null;
  /** What differs from the server's version, for updates. */
  readonly changes: readonly string[];
  /** Set when the rule waits for a segment created by this same plan, so its size is not known yet. */
  readonly pending?: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

const HEADER = /^#\s*(name|group|priority|description)\s*:\s*(.*?)\s*$/i;

/** Parses a `*.rule` file: header comments become fields; they are blanked, not removed, so lines keep their numbers. */
export function parseRuleFile(file: string, text: string): { ok: true; spec: SegmentSpec } | { ok: false; error: string } {
  const lines = text.split(/\r?\n/);
  const fields: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line !== '' && !line.startsWith('#')) break;
    const m = HEADER.exec(line);
    if (m) {
      fields[(m[1] ?? '').toLowerCase()] = m[2] ?? '';
      lines[i] = '';
    }
  }
  const rule = lines.join('\n');
  if (rule.trim() === '') return { ok: false, error: `${file}: no rule text after the header` };
  return specFrom(file, { name: fields.name, rule, description: fields.description, group: fields.group, priority: fields.priority });
}

/** Parses a `*.json` file holding `{ name, rule, description?, group?, priority? }`. */
export function parseJsonFile(file: string, text: string): { ok: true; spec: SegmentSpec } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${file}: invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, error: `${file}: expected a JSON object` };
  const o = doc as Record<string, unknown>;
  const rule = o.rule;
  if (typeof rule !== 'string' && (typeof rule !== 'object' || rule === null)) {
    return { ok: false, error: `${file}: "rule" must be rule text or the canonical JSON form { version, condition }` };
  }
  return specFrom(file, {
    name: typeof o.name === 'string' ? o.name : undefined,
    rule: rule as SegmentInput['rule'],
    description: typeof o.description === 'string' ? o.description : undefined,
    group: typeof o.group === 'string' ? o.group : undefined,
    priority: o.priority === undefined ? undefined : String(o.priority),
  });
}

function specFrom(
  file: string,
  f: { name: string | undefined; rule: SegmentInput['rule']; description: string | undefined; group: string | undefined; priority: string | undefined },
): { ok: true; spec: SegmentSpec } | { ok: false; error: string } {
  const name = (f.name ?? basename(file, extname(file))).trim();
  if (name === '') return { ok: false, error: `${file}: the segment has no name; add a "# name: …" line` };
  const priority = f.priority === undefined || f.priority.trim() === '' ? 0 : Number(f.priority);
  if (!Number.isInteger(priority)) return { ok: false, error: `${file}: priority must be a whole number, not ${f.priority}` };
  const group = f.group === undefined || f.group.trim() === '' ? null : f.group.trim();
  return { ok: true, spec: { file, body: { name, rule: f.rule, description: f.description ?? '', group, priority } } };
}

/** Reads every `*.rule` and `*.json` file of `dir` (not recursive), in name order. */
export async function readSegmentDir(dir: string): Promise<{ ok: true; specs: SegmentSpec[] } | { ok: false; errors: string[] }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return { ok: false, errors: [`${dir} is not a directory`] };
  const names = (await readdir(dir)).filter((n) => (n.endsWith('.rule') || n.endsWith('.json')) && !n.endsWith(EXPERIMENT_FILE_SUFFIX) && !n.endsWith(SCHEMA_FILE_SUFFIX)).sort();
  const specs: SegmentSpec[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const n of names) {
    const file = join(dir, n);
    const text = await readFile(file, 'utf8');
    const parsed = n.endsWith('.rule') ? parseRuleFile(file, text) : parseJsonFile(file, text);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const other = seen.get(parsed.spec.body.name);
    if (other) errors.push(`${file}: the segment name "${parsed.spec.body.name}" is also used by ${other}`);
    seen.set(parsed.spec.body.name, file);
    specs.push(parsed.spec);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, specs };
}

function located(file: string, p: RuleProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
  return `${where} ${p.code} ${p.message}`;
}

function problemLines(file: string, problem: ApiProblem): string[] {
  if (problem.errors && problem.errors.length > 0) return problem.errors.map((e) => located(file, e));
  return [`${file}: ${problem.code}: ${problem.detail}`];
}

/** A rule is pending when its only errors are references to segments this plan creates. */
function onlyUnknownSegments(problem: ApiProblem): boolean {
  return problem.code === 'RULE_INVALID' && (problem.errors ?? []).length > 0 && (problem.errors ?? []).every((e) => e.code === 'RULE2005');
}

/** Computes the plan: what apply would do to make the server match `specs`. */
export async function computePlan(client: AdminClient, specs: readonly SegmentSpec[], prune: boolean): Promise<
  | { ok: true; steps: PlanStep[]; current: ApiSegment[]; /** Spec names, each after the segments it references. */ order: readonly string[] }
  | { ok: false; problem: ApiProblem }
> {
  const listed = await client.listSegments();
  if (!listed.ok) return { ok: false, problem: listed.problem };
  const current = listed.value.segments;
  const byName = new Map(current.map((s) => [s.name, s]));
  const creating = specs.some((s) => !byName.has(s.body.name));
  const steps: PlanStep[] = [];
  for (const spec of specs) {
    const existing = byName.get(spec.body.name);
    const dry = await client.dryRun(spec.body);
    const base = { name: spec.body.name, file: spec.file, warnings: [] as string[] };
    if (!dry.ok) {
      const pending = creating && onlyUnknownSegments(dry.problem);
      steps.push({
        ...base,
        action: existing ? 'update' : 'create',
        entered: null,
        exited: null,
        changes: [],
        ...(pending ? { pending: true } : {}),
        errors: pending ? [] : problemLines(spec.file, dry.problem),
      });
      continue;
    }
    const warnings = dry.value.warnings.map((w) => located(spec.file, w));
    if (!existing) {
      steps.push({ ...base, action: 'create', entered: dry.value.entered, exited: 0, changes: [], errors: [], warnings });
      continue;
    }
    const changes: string[] = [];
    if (dry.value.rule !== existing.rule) changes.push('rule');
    if (spec.body.description !== existing.description) changes.push('description');
    if (spec.body.group !== existing.group) changes.push('group');
    if (spec.body.priority !== existing.priority) changes.push('priority');
    steps.push({
      ...base,
      action: changes.length > 0 ? 'update' : 'unchanged',
      entered: dry.value.entered,
      exited: dry.value.exited,
      changes,
      errors: [],
      warnings,
    });
  }
  if (prune) {
    const wanted = new Set(specs.map((s) => s.body.name));
    for (const s of current) {
      if (wanted.has(s.name)) continue;
      steps.push({ action: 'delete', name: s.name, file: null, entered: 0, exited: s.size ?? null, changes: [], errors: [], warnings: [] });
    }
  }
  // The server's dry run checks one rule against today's segments; the plan as a whole must also hold together
  // once applied: references to segments created here, none to a segment that is neither there nor created,
  // none to one --prune deletes, no cycle through the plan's segments.
  const planned = specs.map((s) => ({ name: s.body.name, rule: s.body.rule, file: s.file }));
  const plannedNames = new Set(planned.map((s) => s.name));
  const staying = prune ? [] : current.filter((s) => !plannedNames.has(s.name)).map((s) => ({ name: s.name, rule: s.rule, file: null }));
  const references = checkPlanReferences(planned, [...planned, ...staying]);
  const checked = steps.map((step) => {
    const errors = references.errors.get(step.name);
    if (step.action === 'delete' || errors === undefined) return step;
    const { pending: _pending, ...rest } = step;
    return { ...rest, errors: [...new Set([...step.errors, ...errors])] };
  });
  return { ok: true, steps: checked, current, order: references.order };
}

const SYMBOL: Record<PlanStep['action'], string> = { create: '+', update: '~', unchanged: '=', delete: '-' };

/** Renders the plan as text, terraform-style. */
export function renderPlan(steps: readonly PlanStep[]): string {
  const width = Math.max(4, ...steps.map((s) => s.name.length));
  const lines: string[] = [];
  for (const s of steps) {
    let detail = '';
    if (s.pending) detail = 'size known once the segments it references exist';
    else if (s.action === 'create') detail = s.entered === null ? '' : `+${s.entered} entering`;
    else if (s.action === 'update') detail = `${s.changes.join(', ')} changed: +${s.entered ?? '?'} / −${s.exited ?? '?'}`;
    else if (s.action === 'delete') detail = s.exited === null ? '' : `−${s.exited} exiting`;
    lines.push(`  ${SYMBOL[s.action]} ${s.action.padEnd(9)} ${s.name.padEnd(width)}  ${detail}`.trimEnd());
    for (const e of s.errors) lines.push(`      error: ${e}`);
    for (const w of s.warnings) lines.push(`      warning: ${w}`);
  }
  const count = (a: PlanStep['action']): number => steps.filter((s) => s.action === a).length;
  lines.push('');
  lines.push(`Plan: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${count('unchanged')} unchanged.`);
  return lines.join('\n');
}

/** The outcome of applying one step. */
export interface StepResult {
  readonly action: PlanStep['action'];
  readonly name: string;
  readonly ok: boolean;
  readonly version?: number;
  readonly error?: string;
  /** Set on steps that succeeded and were then undone because a later step failed. */
  readonly rolledBack?: boolean;
}

/** What undoes one applied step: the segment as it was before (null: it did not exist). */
interface Undo {
  readonly name: string;
  readonly before: ApiSegment | null;
}

function bodyOf(s: ApiSegment): SegmentInput {
  return { name: s.name, rule: s.rule, description: s.description, group: s.group, priority: s.priority };
}

/**
 * Applies a validated plan, all or nothing. Creates and updates go first, each after the segments its rule
 * references (`order`, from the plan), then deletions, so no step waits for another. When the server refuses a
 * step (a change made meanwhile by someone else, a server error), the steps already applied are undone in
 * reverse order — a created segment is deleted, an updated one saved back as it was, a deleted one created
 * again — and the results say so. Undoing is compensation, not a transaction: the undone changes' membership
 * entries and exits stay in the change log, and a segment created again gets a new id.
 */
export async function applyPlan(
  client: AdminClient,
  steps: readonly PlanStep[],
  specs: readonly SegmentSpec[],
  current: readonly ApiSegment[] = [],
  order: readonly string[] = specs.map((s) => s.body.name),
  save: SaveOptions = {},
): Promise<StepResult[]> {
  const specByName = new Map(specs.map((s) => [s.body.name, s]));
  const currentByName = new Map(current.map((s) => [s.name, s]));
  const rank = new Map(order.map((name, i) => [name, i]));
  const saves = steps
    .filter((s) => s.action === 'create' || s.action === 'update')
    .sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
  const deletes = steps.filter((s) => s.action === 'delete');
  const results: StepResult[] = [];
  const undo: Undo[] = [];
  for (const step of [...saves, ...deletes]) {
    const spec = specByName.get(step.name);
    const res =
      step.action === 'delete'
        ? await client.deleteSegment(step.name, save)
        : step.action === 'create'
          ? await client.createSegment((spec as SegmentSpec).body, save)
          : await client.updateSegment(step.name, (spec as SegmentSpec).body, save);
    if (res.ok) {
      results.push({ action: step.action, name: step.name, ok: true, version: res.value.segment.version });
      undo.push({ name: step.name, before: step.action === 'create' ? null : (currentByName.get(step.name) ?? null) });
      continue;
    }
    results.push({ action: step.action, name: step.name, ok: false, error: problemLines(step.file ?? step.name, res.problem).join('\n') });
    const undone = await rollBack(client, undo);
    return results.map((r) => (r.ok && undone.has(r.name) ? { ...r, rolledBack: true } : r));
  }
  return results;
}

/** Undoes applied steps, latest first; returns the names undone (a failed undo is left as applied). */
async function rollBack(client: AdminClient, undo: readonly Undo[]): Promise<Set<string>> {
  const undone = new Set<string>();
  for (const u of [...undo].reverse()) {
    const res =
      u.before === null
        ? await client.deleteSegment(u.name)
        : (await client.getSegment(u.name)).ok
          ? await client.updateSegment(u.name, bodyOf(u.before))
          : await client.createSegment(bodyOf(u.before));
    if (res.ok) undone.add(u.name);
  }
  return undone;
}

async function confirm(): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('\nApply these changes? Only "yes" is accepted: ');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

interface ApplyOptions {
  url?: string;
  key?: string;
  json?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  prune?: boolean;
  /** `--no-wait` sets it to false: return once the segments are saved, without waiting for their backfills. */
  wait?: boolean;
}

async function run(dir: string, options: ApplyOptions): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  const read = await readSegmentDir(dir);
  if (!read.ok) {
    if (options.json) out(JSON.stringify({ ok: false, errors: read.errors }));
    else for (const e of read.errors) err(`segflow apply: ${e}`);
    return 2;
  }
  // A directory of workflows (or experiments, schemas) only: no segment plan ("No changes" read as if the
  // workflows below were not applied either).
  if (read.specs.length === 0 && options.prune !== true && (await holdsOtherKinds(dir))) return 0;
  const client = clientFromOptions(options);
  const planned = await computePlan(client, read.specs, options.prune === true);
  if (!planned.ok) {
    if (options.json) out(JSON.stringify({ ok: false, problem: planned.problem }));
    else err(`segflow apply: ${describeProblem(planned.problem)}`);
    return 1;
  }
  const steps = planned.steps;
  const invalid = steps.some((s) => s.errors.length > 0);
  const changing = steps.some((s) => s.action !== 'unchanged');
  if (!options.json) out(`${renderPlan(steps)}`);
  if (invalid) {
    if (options.json) out(JSON.stringify({ ok: false, plan: steps, applied: false }));
    else err('\nNothing applied: fix the errors above first.');
    return 1;
  }
  if (!changing || options.dryRun) {
    if (options.json) out(JSON.stringify({ ok: true, plan: steps, applied: false }));
    else if (!changing) out('\nNo changes. The server matches the directory.');
    return 0;
  }
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  if (!options.yes && !ci) {
    if (!process.stdin.isTTY) {
      if (options.json) out(JSON.stringify({ ok: false, plan: steps, applied: false, error: 'confirmation required: pass --yes' }));
      else err('\nsegflow apply: not a terminal, so nobody can confirm; pass --yes to apply.');
      return 2;
    }
    if (!(await confirm())) {
      err('Cancelled; nothing applied.');
      return 1;
    }
  }
  // The server backfills in the background: every step answers at once, then the backfills are awaited together
  // (with a progress bar) unless --no-wait.
  const results = await applyPlan(client, steps, read.specs, planned.current, planned.order, { wait: false });
  const ok = results.every((r) => r.ok);
  if (ok && options.wait !== false) {
    const saved = results.filter((r) => r.action !== 'delete').map((r) => r.name);
    await waitForBackfills(client, saved, { bar: !options.json && process.stderr.isTTY === true });
  }
  if (options.json) {
    out(JSON.stringify({ ok, plan: steps, applied: true, results }));
  } else {
    out('');
    for (const r of results) {
      if (r.rolledBack) out(`  ↺ ${r.name}: ${r.action} undone`);
      else if (r.ok) out(`  ${SYMBOL[r.action]} ${r.name}: ${r.action === 'delete' ? 'deleted' : `saved as version ${r.version ?? '?'}`}`);
      else err(`  ! ${r.name}: ${r.action} failed\n${r.error ?? ''}`);
    }
    const kept = results.filter((r) => r.ok && !r.rolledBack).length;
    out(
      ok
        ? `\nApplied ${results.length} change(s).`
        : kept === 0
          ? '\nA change failed, so nothing was applied (the changes made before it were undone).'
          : `\nA change failed and ${kept} change(s) could not be undone; run apply again after fixing it.`,
    );
  }
  return ok ? 0 : 1;
}

/** Whether `dir` holds files apply reads besides segments (workflows, experiments, tracking-plan schemas). */
async function holdsOtherKinds(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((n) => n.endsWith('.workflow.yaml') || n.endsWith('.workflow.yml') || n.endsWith(EXPERIMENT_FILE_SUFFIX) || n.endsWith(SCHEMA_FILE_SUFFIX));
}

async function applySchemas(dir: string, options: ApplyOptions): Promise<number> {
  const result = await applySchemaDir(clientFromOptions(options), dir, { dryRun: options.dryRun === true });
  if (options.json) {
    if (result.plan.length > 0 || result.err.length > 0) process.stdout.write(`${JSON.stringify({ trackingPlan: result.plan, errors: result.err })}\n`);
  } else {
    for (const line of result.out) process.stdout.write(`${line}\n`);
    for (const line of result.err) process.stderr.write(`${line}\n`);
  }
  return result.code;
}

async function applyWorkflows(dir: string, options: ApplyOptions): Promise<number> {
  const result = await applyWorkflowDir(clientFromOptions(options), dir, { dryRun: options.dryRun === true });
  if (options.json) {
    if (result.plan.length > 0 || result.err.length > 0) process.stdout.write(`${JSON.stringify({ workflows: result.plan, errors: result.err })}\n`);
  } else {
    for (const line of result.out) process.stdout.write(`${line}\n`);
    for (const line of result.err) process.stderr.write(`${line}\n`);
  }
  return result.code;
}

/** Registers `segflow apply DIR`. */
export function register(program: Command): void {
  addAdminOptions(
    program
      .command('apply')
      .description('make the server\'s segments match a directory of *.rule / *.json files (plan, then apply)')
      .argument('<dir>', 'directory of segment files')
      .option('--dry-run', 'print the plan only')
      .option('-y, --yes', 'apply without asking (also when CI is set)')
      .option('--prune', 'delete server segments that have no file')
      .option('--no-wait', 'return once the segments are saved, without waiting for their backfills'),
  ).action(async (dir: string, options: ApplyOptions) => {
    process.exitCode = await run(dir, options);
    // experiments (*.experiment.json) after the segments they may refer to
    if (process.exitCode === 0) process.exitCode = await applyExperimentDir(dir, options);
    // tracking-plan schemas (*.schema.json): independent of segments, applied beside them
    if (process.exitCode === 0) process.exitCode = await applySchemas(dir, options);
    // Workflows after segments: they may start on segments this same apply created.
    if (process.exitCode === 0) process.exitCode = await applyWorkflows(dir, options);
  });
}
