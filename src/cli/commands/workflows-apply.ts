/**
 * @module
 * The workflow part of `segflow apply DIR`: every `*.workflow.yaml` in DIR is read locally (YAML syntax errors with
 * file:line:col), validated by the server against the workspace's segments and destinations (problems mapped back
 * from their JSON paths to file:line:col), planned (create, new version, unchanged) and, unless `--dry-run`,
 * saved. Nothing is saved when any file has a problem.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locate } from '../../workflows/index.js';
import { formatWorkflowProblem, loadWorkflowYaml, parsePathText, type WorkflowProblem } from '../../workflows/index.js';
import type { AdminClient, ApiProblem } from '../admin-client.js';

/** One workflow file, read. */
interface WorkflowFile {
  readonly file: string;
  readonly data: Record<string, unknown>;
  readonly locate: Locate;
}

/** The outcome of the workflow part of apply: lines to print and an exit code (0 ok, 1 invalid or refused). */
export interface WorkflowApplyResult {
  readonly code: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
  readonly plan: readonly { readonly name: string; readonly file: string; readonly action: 'create' | 'update' | 'unchanged' }[];
}

/** Places server problems (JSON paths, rule positions) in the file: `file:line:col CODE message`. */
export function locateProblems(file: string, locate: Locate, problems: readonly WorkflowProblem[]): string[] {
  return problems.map((p) => {
    const span = p.ruleLine === undefined ? undefined : { offset: 0, length: 0, line: p.ruleLine, column: p.ruleColumn ?? 1 };
    const at = locate(parsePathText(p.path), span);
    return formatWorkflowProblem(at ? { ...p, line: at.line, column: at.column } : p, file);
  });
}

/** Reads, validates, plans and (unless `dryRun`) saves the workflows of `dir`. */
export async function applyWorkflowDir(client: AdminClient, dir: string, options: { readonly dryRun?: boolean }): Promise<WorkflowApplyResult> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return { code: 0, out: [], err: [], plan: [] };
  const names = (await readdir(dir)).filter((n) => n.endsWith('.workflow.yaml') || n.endsWith('.workflow.yml')).sort();
  if (names.length === 0) return { code: 0, out: [], err: [], plan: [] };
  const err: string[] = [];
  const files: WorkflowFile[] = [];
  for (const n of names) {
    const file = join(dir, n);
    const loaded = loadWorkflowYaml(await readFile(file, 'utf8'));
    if (!loaded.ok) {
      err.push(...loaded.problems.map((p) => formatWorkflowProblem(p, file)));
      continue;
    }
    files.push({ file, data: (loaded.data ?? {}) as Record<string, unknown>, locate: loaded.locate });
  }
  for (const f of files) {
    const checked = await client.request<{ ok: true; warnings: WorkflowProblem[] }>('POST', '/api/workflows/validate', f.data);
    if (!checked.ok) {
      const problems = (checked.problem as ApiProblem & { errors?: unknown }).errors as WorkflowProblem[] | undefined;
      if (problems && problems.length > 0) err.push(...locateProblems(f.file, f.locate, problems));
      else err.push(`${f.file}: ${checked.problem.code}: ${checked.problem.detail}`);
    }
  }
  if (err.length > 0) return { code: 1, out: [], err: [...err, 'Nothing applied for workflows: fix the problems above first.'], plan: [] };
  const listed = await client.request<{ workflows: { name: string; definition: unknown; status: string }[] }>('GET', '/api/workflows');
  if (!listed.ok) return { code: 1, out: [], err: [`${listed.problem.code}: ${listed.problem.detail}`], plan: [] };
  const current = new Map(listed.value.workflows.map((w) => [w.name, w]));
  const plan = files.map((f) => {
    const name = String(f.data.name);
    const existing = current.get(name);
    const action = !existing ? ('create' as const) : JSON.stringify(existing.definition) === JSON.stringify(f.data) ? ('unchanged' as const) : ('update' as const);
    return { name, file: f.file, action, data: f.data };
  });
  const out = plan.map((p) => `  ${p.action === 'create' ? '+' : p.action === 'update' ? '~' : '='} workflow ${p.name.padEnd(24)} ${p.action === 'update' ? 'new version' : p.action}`);
  if (options.dryRun) return { code: 0, out, err: [], plan: plan.map(({ name, file, action }) => ({ name, file, action })) };
  for (const p of plan) {
    if (p.action === 'unchanged') continue;
    const saved = await client.request<{ workflow: { version: number } }>('POST', '/api/workflows', p.data);
    if (saved.ok) out.push(`  ${p.action === 'create' ? '+' : '~'} ${p.name}: saved as version ${saved.value.workflow.version}`);
    else err.push(`  ! ${p.name}: ${saved.problem.code}: ${saved.problem.detail}`);
  }
  return { code: err.length > 0 ? 1 : 0, out, err, plan: plan.map(({ name, file, action }) => ({ name, file, action })) };
}
