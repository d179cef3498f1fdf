/**
 * @module
 * The tracking-plan part of `segflow apply DIR`: every `*.schema.json` in DIR is one schema of the plan,
 * `{ "event": "Order Completed", "mode": "flag", "schema": { …JSON Schema… } }` (or `"identify": true` instead of
 * `event` for the identify traits schema). Files are checked locally first (JSON syntax, the envelope, the
 * schema itself with the server's own checker, so `--dry-run` catches an invalid schema with its path), then
 * compared with the server's plan (create, update, unchanged) and, unless `--dry-run`, saved. Nothing is saved
 * when any file has a problem. Schemas on the server without a file are left alone (the plan may also be
 * edited through the API).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPlanSchema, PLAN_MODES, type PlanMode } from '../../tracking-plan/index.js';
import type { AdminClient } from '../admin-client.js';

/** The file suffix of tracking-plan schema files. */
export const SCHEMA_FILE_SUFFIX = '.schema.json';

/** One schema file, read and checked. */
export interface SchemaFile {
  readonly file: string;
  readonly kind: 'track' | 'identify';
  readonly event: string;
  readonly mode: PlanMode;
  readonly schema: Record<string, unknown>;
}

/** Parses one schema file's text; an error names the file and what is wrong. */
export function parseSchemaFile(file: string, text: string): { ok: true; value: SchemaFile } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${file}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: `${file}: expected { "event": …, "mode": …, "schema": {…} }` };
  const o = doc as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['event', 'identify', 'mode', 'schema', 'description'].includes(key)) return { ok: false, error: `${file}: unknown field "${key}"` };
  }
  const identify = o.identify === true;
  if (identify === (typeof o.event === 'string')) return { ok: false, error: `${file}: give either "event": "<track event name>" or "identify": true` };
  if (!identify && (o.event as string).trim() === '') return { ok: false, error: `${file}: "event" is empty` };
  const mode = o.mode ?? 'flag';
  if (!(PLAN_MODES as readonly unknown[]).includes(mode)) return { ok: false, error: `${file}: "mode" must be ${PLAN_MODES.join(', ')}` };
  const checked = checkPlanSchema(o.schema);
  if (!checked.ok) return { ok: false, error: `${file}: schema${checked.error.path}: ${checked.error.message}` };
  return { ok: true, value: { file, kind: identify ? 'identify' : 'track', event: identify ? '' : (o.event as string), mode: mode as PlanMode, schema: checked.value } };
}

/** Reads every `*.schema.json` of `dir`, in name order. */
export async function readSchemaDir(dir: string): Promise<{ files: SchemaFile[]; errors: string[] }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return { files: [], errors: [] };
  const names = (await readdir(dir)).filter((n) => n.endsWith(SCHEMA_FILE_SUFFIX)).sort();
  const files: SchemaFile[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const n of names) {
    const file = join(dir, n);
    const parsed = parseSchemaFile(file, await readFile(file, 'utf8'));
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const key = `${parsed.value.kind}:${parsed.value.event}`;
    const other = seen.get(key);
    if (other) errors.push(`${file}: ${parsed.value.kind === 'identify' ? 'the identify schema' : `the event "${parsed.value.event}"`} is also described by ${other}`);
    seen.set(key, file);
    files.push(parsed.value);
  }
  return { files, errors };
}

/** Canonical JSON (keys sorted) so that a re-formatted file is not a change. */
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

interface ServerPlan {
  readonly schemas: readonly { kind: 'track' | 'identify'; event: string; mode: PlanMode; schema: unknown }[];
}

/** What the tracking-plan part of apply did: lines to print, the plan, and an exit code (0 ok, 1 invalid or refused). */
export interface SchemaApplyResult {
  readonly code: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
  readonly plan: readonly { readonly event: string; readonly kind: string; readonly file: string; readonly action: 'create' | 'update' | 'unchanged' }[];
}

/** Reads, checks, plans and (unless `dryRun`) saves the tracking-plan schemas of `dir`. */
export async function applySchemaDir(client: AdminClient, dir: string, options: { readonly dryRun?: boolean }): Promise<SchemaApplyResult> {
  const { files, errors } = await readSchemaDir(dir);
  if (files.length === 0 && errors.length === 0) return { code: 0, out: [], err: [], plan: [] };
  if (errors.length > 0) return { code: 1, out: [], err: [...errors, 'Tracking plan: nothing applied; fix the errors above first.'], plan: [] };
  const current = await client.request<ServerPlan>('GET', '/api/tracking-plan');
  if (!current.ok) return { code: 1, out: [], err: [`tracking plan: ${current.problem.code}: ${current.problem.detail}`], plan: [] };
  const byKey = new Map(current.value.schemas.map((s) => [`${s.kind}:${s.event}`, s]));
  const plan = files.map((f) => {
    const existing = byKey.get(`${f.kind}:${f.event}`);
    const action: 'create' | 'update' | 'unchanged' = !existing
      ? 'create'
      : existing.mode === f.mode && canonical(existing.schema) === canonical(f.schema)
        ? 'unchanged'
        : 'update';
    return { event: f.event, kind: f.kind, file: f.file, action };
  });
  const out = ['', 'Tracking plan:'];
  const symbol = { create: '+', update: '~', unchanged: '=' } as const;
  plan.forEach((p, i) => out.push(`  ${symbol[p.action]} ${p.kind === 'identify' ? '(identify traits)' : p.event} [${files[i]!.mode}] ${p.action}`));
  if (options.dryRun || plan.every((p) => p.action === 'unchanged')) return { code: 0, out, err: [], plan };
  const err: string[] = [];
  for (const [i, f] of files.entries()) {
    if (plan[i]!.action === 'unchanged') continue;
    const path = f.kind === 'identify' ? '/api/tracking-plan/identify' : `/api/tracking-plan/events/${encodeURIComponent(f.event)}`;
    const saved = await client.request('PUT', path, { mode: f.mode, schema: f.schema });
    if (!saved.ok) err.push(`${f.file}: ${saved.problem.code}: ${saved.problem.detail}`);
  }
  out.push(err.length === 0 ? `Applied ${plan.filter((p) => p.action !== 'unchanged').length} schema change(s).` : 'Some schemas were refused (see above).');
  return { code: err.length === 0 ? 0 : 1, out, err, plan };
}
