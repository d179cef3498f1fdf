/**
 * @module
 * `segflow check FILE…|-`: parses, type-checks and lints rule files (`*.rule` text, or `*.json` in the
 * canonical JSON form) and prints every diagnostic as a compiler does — `file:line:col CODE severity: message`,
 * the source line and a caret under the span, then any hint and suggested fix. `--json` prints the diagnostics
 * as a JSON array instead. `--catalog FILE` (a JSON `RuleCatalog`) enables unknown-name and type checks;
 * `--retention 365d` flags windows longer than the history kept. `--plan DIR` reads the tracking plan's
 * `*.schema.json` files and warns when a rule reads an event, property or trait the plan does not define;
 * `--server` asks the server (`--url`/`--key` or SEGFLOW_URL/SEGFLOW_ADMIN_KEY) for its tracking plan and for
 * the names seen in the data, and warns about both. Exit codes: 0 no errors (warnings allowed),
 * 1 at least one error, 2 a file could not be read or an option is invalid.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planCatalog, type TrackingPlan } from '../../tracking-plan/index.js';
import { clientFromOptions } from '../admin-client.js';
import { readSchemaDir } from './tracking-plan-apply.js';
import {
  analyzeRule,
  checkRule,
  safeParseRule,
  diagnostic,
  durationMs,
  formatDiagnostics,
  fromRuleJson,
  lintRule,
  summarizeDiagnostics,
  type CheckContext,
  type Diagnostic,
  type DurationUnit,
  type RuleCatalog,
} from '../../rules/index.js';

/** Reads a file, or standard input for `-`. */
export async function readSource(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * {@link readSource} for a command's action: on failure it reports `segflow <command>: cannot read <file>` on
 * stderr, sets exit code 2 and returns undefined, and the action stops.
 */
export async function readSourceOrReport(command: string, file: string): Promise<string | undefined> {
  try {
    return await readSource(file);
  } catch (e) {
    process.stderr.write(`segflow ${command}: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return undefined;
  }
}

/** All diagnostics for one file's text; JSON files are read as the canonical JSON form. */
export function diagnoseSource(file: string, text: string, context: CheckContext): Diagnostic[] {
  if (!file.endsWith('.json')) return [...analyzeRule(text, context).diagnostics];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [diagnostic('RULE1101', ['$', `not JSON (${e instanceof Error ? e.message : String(e)})`], { path: '$' })];
  }
  const read = fromRuleJson(doc);
  if (!read.ok) return [...read.diagnostics];
  return [...checkRule(read.value, context), ...lintRule(read.value)];
}

/**
 * Warnings for what a rule reads that the tracking plan does not define: the checker's unknown-name checks
 * (RULE2009 event, RULE2010 property, RULE2011 trait) run against the plan's catalogue, with the message saying
 * which catalogue it was. Rules that do not parse yield nothing here (their errors come from the main pass).
 */
export function planDiagnostics(file: string, text: string, plan: RuleCatalog): Diagnostic[] {
  let condition;
  if (file.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return [];
    }
    const read = fromRuleJson(doc);
    if (!read.ok) return [];
    condition = read.value;
  } else {
    const parsed = safeParseRule(text);
    if (!parsed.ok) return [];
    condition = parsed.value;
  }
  return checkRule(condition, { catalog: plan })
    .filter((d) => d.code === 'RULE2009' || d.code === 'RULE2010' || d.code === 'RULE2011')
    .map((d) => ({ ...d, message: d.message.replace(/(no such event has been seen|it has never been seen)/, 'the tracking plan does not define it') }));
}

/** The seen-names view of `GET /api/catalog` as the checker's catalogue (types it cannot check are left open). */
export function seenCatalog(view: { events: string[]; properties: Record<string, { name: string; type: string }[]>; traits: { name: string; type: string }[] }): RuleCatalog {
  const typeOf = (t: string) => (t === 'string' || t === 'number' || t === 'boolean' ? t : undefined) as 'string';
  const events: Record<string, { properties: Record<string, 'string'> }> = {};
  for (const e of view.events) events[e] = { properties: Object.fromEntries((view.properties[e] ?? []).map((p) => [p.name, typeOf(p.type)])) };
  return { events, traits: Object.fromEntries(view.traits.map((t) => [t.name, typeOf(t.type)])) };
}

/** `365d` → milliseconds, or undefined when it is not a duration. */
export function parseDurationOption(text: string): number | undefined {
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  return m ? durationMs({ amount: Number(m[1]), unit: m[2] as DurationUnit }) : undefined;
}

interface CheckOptions {
  readonly json?: boolean;
  readonly catalog?: string;
  readonly retention?: string;
  readonly plan?: string;
  readonly server?: boolean;
  readonly url?: string;
  readonly key?: string;
}

/** Registers `segflow check`. */
export function register(program: Command): void {
  program
    .command('check')
    .description('check rule files for syntax errors, type errors and risky patterns, like a compiler')
    .argument('<files...>', 'rule files (*.rule or canonical *.json); - reads standard input')
    .option('--json', 'print diagnostics as JSON')
    .option('--catalog <file>', 'JSON catalogue of known events, properties and traits: { "events": {…}, "traits": {…} }')
    .option('--retention <duration>', 'history kept, e.g. 365d: longer windows are errors')
    .option('--plan <dir>', 'directory of tracking-plan *.schema.json files: warn when a rule reads what the plan does not define')
    .option('--server', 'ask the server for its tracking plan and the names seen in the data, and warn about both')
    .option('--url <url>', 'server address with --server (default SEGFLOW_URL or http://127.0.0.1:8080)')
    .option('--key <key>', 'admin key with --server (default SEGFLOW_ADMIN_KEY)')
    .action(async (files: string[], options: CheckOptions) => {
      const context: { -readonly [K in keyof CheckContext]: CheckContext[K] } = {};
      if (options.retention !== undefined) {
        const ms = parseDurationOption(options.retention);
        if (ms === undefined) {
          process.stderr.write(`segflow check: --retention takes a duration such as 365d, not ${JSON.stringify(options.retention)}\n`);
          process.exitCode = 2;
          return;
        }
        context.retentionMs = ms;
      }
      if (options.catalog !== undefined) {
        try {
          context.catalog = JSON.parse(await readFile(options.catalog, 'utf8')) as RuleCatalog;
        } catch (e) {
          process.stderr.write(`segflow check: cannot read the catalogue ${options.catalog}: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exitCode = 2;
          return;
        }
      }
      let plan: RuleCatalog | undefined;
      if (options.plan !== undefined) {
        const read = await readSchemaDir(options.plan);
        if (read.errors.length > 0) {
          for (const e of read.errors) process.stderr.write(`segflow check: ${e}\n`);
          process.exitCode = 2;
          return;
        }
        plan = planCatalog({ unplanned: 'allow', version: 1, schemas: read.files.map((f) => ({ ...f, updatedAt: 0 })) });
      }
      if (options.server) {
        try {
          const client = clientFromOptions(options);
          const served = await client.request<{ schemas: TrackingPlan['schemas'] }>('GET', '/api/tracking-plan');
          if (served.ok && served.value.schemas.length > 0 && plan === undefined) plan = planCatalog({ unplanned: 'allow', version: 1, schemas: served.value.schemas });
          const seen = await client.request<Parameters<typeof seenCatalog>[0]>('GET', '/api/catalog');
          if (seen.ok && context.catalog === undefined) context.catalog = seenCatalog(seen.value);
          if (!served.ok || !seen.ok) {
            const problem = !served.ok ? served.problem : !seen.ok ? seen.problem : undefined;
            process.stderr.write(`segflow check: the server refused: ${problem?.code ?? ''} ${problem?.detail ?? ''}\n`);
            process.exitCode = 2;
            return;
          }
        } catch (e) {
          process.stderr.write(`segflow check: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exitCode = 2;
          return;
        }
      }
      const all: (Diagnostic & { file: string })[] = [];
      const text: string[] = [];
      for (const file of files) {
        const source = await readSourceOrReport('check', file);
        if (source === undefined) return;
        const name = file === '-' ? '<stdin>' : file;
        const diagnostics = [...diagnoseSource(file, source, context), ...(plan ? planDiagnostics(file, source, plan) : [])];
        all.push(...diagnostics.map((d) => ({ file: name, ...d })));
        if (diagnostics.length > 0) text.push(formatDiagnostics(diagnostics, source, name));
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      } else {
        if (text.length > 0) process.stdout.write(`${text.join('\n\n')}\n\n`);
        const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
        process.stdout.write(`${summarizeDiagnostics(all)} in ${count}\n`);
      }
      if (all.some((d) => d.severity === 'error')) process.exitCode = 1;
    });
}
