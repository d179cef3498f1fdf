/**
 * @module
 * Experiments as code for `segflow apply DIR`: every `*.experiment.json` file in DIR declares one experiment
 * (the body of `POST /api/experiments`, see docs/experiments.md). They are validated locally first — one bad
 * file and nothing is sent — then each is created, or left alone when the server already has the identical
 * definition. A different definition under an existing name is refused by the server (`EXPERIMENT_CHANGED`):
 * experiments are not edited in flight. Runs after the segments of the same directory are applied.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseExperimentDefinition } from '../../experiments/index.js';
import { clientFromOptions, describeProblem } from '../admin-client.js';

/** The suffix that marks an experiment file (and keeps it out of the segment files). */
export const EXPERIMENT_FILE_SUFFIX = '.experiment.json';

/** One experiment file, validated. */
export interface ExperimentFile {
  readonly file: string;
  readonly name: string;
  readonly body: unknown;
}

/** Reads and validates every experiment file of `dir`, in name order; all errors, not the first. */
export async function readExperimentFiles(dir: string): Promise<{ ok: true; files: ExperimentFile[] } | { ok: false; errors: string[] }> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(EXPERIMENT_FILE_SUFFIX)).sort();
  const files: ExperimentFile[] = [];
  const errors: string[] = [];
  for (const n of names) {
    const file = join(dir, n);
    let body: unknown;
    try {
      body = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      errors.push(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    const parsed = parseExperimentDefinition(body);
    if (!parsed.ok) {
      for (const p of parsed.problems) errors.push(`${file}: ${p.field || '(file)'}: ${p.message}`);
      continue;
    }
    if (files.some((f) => f.name === parsed.value.name)) errors.push(`${file}: the experiment name "${parsed.value.name}" is used twice`);
    files.push({ file, name: parsed.value.name, body });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, files };
}

/** Options shared with `segflow apply`. */
export interface ApplyExperimentsOptions {
  readonly url?: string;
  readonly key?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
}

/** Applies the experiment files of `dir`; returns the exit code (0 done or nothing to do, 1 refused, 2 invalid files). */
export async function applyExperimentDir(dir: string, options: ApplyExperimentsOptions): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  const read = await readExperimentFiles(dir);
  if (!read.ok) {
    if (options.json) out(JSON.stringify({ ok: false, experiments: { errors: read.errors } }));
    else for (const e of read.errors) err(`segflow apply: ${e}`);
    return 2;
  }
  if (read.files.length === 0) return 0;
  const client = clientFromOptions(options);
  const results: { name: string; file: string; result: 'created' | 'unchanged' | 'exists' | 'new' | 'refused'; problem?: string }[] = [];
  for (const f of read.files) {
    if (options.dryRun) {
      const found = await client.request('GET', `/api/experiments/${encodeURIComponent(f.name)}`);
      results.push({ name: f.name, file: f.file, result: found.ok ? 'exists' : 'new' });
      continue;
    }
    const res = await client.request<{ created: boolean }>('POST', '/api/experiments', f.body);
    if (res.ok) results.push({ name: f.name, file: f.file, result: res.value.created ? 'created' : 'unchanged' });
    else results.push({ name: f.name, file: f.file, result: 'refused', problem: describeProblem(res.problem) });
  }
  const ok = results.every((r) => r.result !== 'refused');
  if (options.json) out(JSON.stringify({ ok, experiments: results }));
  else {
    out('');
    for (const r of results) {
      const text = { created: 'created', unchanged: 'unchanged', exists: 'exists (kept if identical)', new: 'would be created', refused: 'refused' }[r.result];
      (r.result === 'refused' ? err : out)(`  experiment ${r.name}: ${text}${r.problem ? `\n    ${r.problem}` : ''}`);
    }
  }
  return ok ? 0 : 1;
}
