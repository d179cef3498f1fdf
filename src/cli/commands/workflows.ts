/**
 * @module
 * `segflow workflows list|show|runs|pause|resume|archive|migrate|backtest`: lifecycle workflows over the HTTP
 * admin API (`--url`/`SEGFLOW_URL`, `--key`/`SEGFLOW_ADMIN_KEY`), documented in docs/workflows.md. `show` prints
 * the numbers per version and step; `runs --profile` a person's path with each step's instant and each branch's
 * evaluated values. Exit codes: 0 done, 1 the server refused, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadWorkflowYaml } from '../../workflows/index.js';
import { addAdminOptions, clientFromOptions, describeProblem, type ApiResult } from '../admin-client.js';

interface Options {
  url?: string;
  key?: string;
  json?: boolean;
}

interface ApiVersionStats {
  version: number;
  entered: number;
  active: number;
  atStep: Record<string, number>;
  exited: Record<string, number>;
  goalReached: number;
  actions: { pending: number; sent: number; failed: number };
}

/** One run of a person as `GET /api/workflows/{id}/runs` answers it. */
export interface ApiRun {
  id: string;
  version: number;
  key: string;
  status: string;
  stepId: string;
  exitCause: string | null;
  enteredAt: string;
  path: { stepId: string; at: string; outcome: string; rule?: string; values?: { text: string; value: boolean }[]; cause?: string }[];
  actions: { id: string; stepId: string; status: string; dueAt: string }[];
}

function print<T>(result: ApiResult<T>, options: Options, render: (value: T) => string): number {
  if (!result.ok) {
    process.stderr.write(`segflow workflows: ${describeProblem(result.problem)}\n`);
    return 1;
  }
  process.stdout.write(`${options.json ? JSON.stringify(result.value) : render(result.value)}\n`);
  return 0;
}

/** Renders per-version numbers as a small table. */
export function renderStats(versions: readonly ApiVersionStats[]): string {
  const lines: string[] = [];
  for (const v of versions) {
    const exits = Object.entries(v.exited).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    lines.push(`version ${v.version}: entered ${v.entered}, inside ${v.active}, goal reached ${v.goalReached}, exited: ${exits}`);
    lines.push(`  actions: sent ${v.actions.sent}, pending ${v.actions.pending}, failed ${v.actions.failed}`);
    for (const [step, n] of Object.entries(v.atStep)) lines.push(`  at ${step.padEnd(20)} ${n}`);
  }
  return lines.join('\n');
}

/** Renders a person's runs: one line per path entry, branch values indented below. */
export function renderRuns(runs: readonly ApiRun[]): string {
  if (runs.length === 0) return 'No runs for this person.';
  const lines: string[] = [];
  for (const r of runs) {
    lines.push(`run ${r.id} (version ${r.version}${r.key ? `, key ${r.key}` : ''}): ${r.status}${r.exitCause ? ` (${r.exitCause})` : ` at ${r.stepId}`}`);
    for (const p of r.path) {
      lines.push(`  ${p.at}  ${p.stepId.padEnd(16)} ${p.outcome}${p.cause ? ` (${p.cause})` : ''}${p.rule ? `  ${p.rule}` : ''}`);
      for (const v of p.values ?? []) lines.push(`      ${v.value ? '✓' : '✗'} ${v.text}`);
    }
    for (const a of r.actions) lines.push(`  action ${a.id}: ${a.status} (due ${a.dueAt})`);
  }
  return lines.join('\n');
}

/** Registers `segflow workflows …`. */
export function register(program: Command): void {
  const wf = program.command('workflows').description('lifecycle workflows: list, numbers per step, a person\'s runs, pause/resume/archive, migrate, backtest');
  const withAdmin = (c: Command): Command => addAdminOptions(c);
  withAdmin(wf.command('list').description('list workflows')).action(async (options: Options) => {
    const client = clientFromOptions(options);
    process.exitCode = print(await client.request<{ workflows: { name: string; status: string; version: number }[] }>('GET', '/api/workflows'), options, (v) =>
      v.workflows.length === 0 ? 'No workflows.' : v.workflows.map((w) => `${w.name.padEnd(28)} ${w.status.padEnd(9)} v${w.version}`).join('\n'),
    );
  });
  withAdmin(wf.command('show').description('numbers per version: people at each step, entered, exits by cause, goal, actions').argument('<workflow>')).action(
    async (id: string, options: Options) => {
      const client = clientFromOptions(options);
      process.exitCode = print(await client.request<{ workflow: { name: string; status: string; version: number }; versions: ApiVersionStats[] }>('GET', `/api/workflows/${encodeURIComponent(id)}`), options, (v) =>
        `${v.workflow.name} (${v.workflow.status}, current version ${v.workflow.version})\n${renderStats(v.versions)}`,
      );
    },
  );
  withAdmin(wf.command('runs').description("a person's runs with each step's instant and each branch's values").argument('<workflow>').requiredOption('--profile <ref>', 'profile id, user id or email')).action(
    async (id: string, options: Options & { profile: string }) => {
      const client = clientFromOptions(options);
      process.exitCode = print(await client.request<{ runs: ApiRun[] }>('GET', `/api/workflows/${encodeURIComponent(id)}/runs?profile=${encodeURIComponent(options.profile)}`), options, (v) => renderRuns(v.runs));
    },
  );
  for (const action of ['pause', 'resume', 'archive'] as const) {
    withAdmin(wf.command(action).description(`${action} a workflow`).argument('<workflow>')).action(async (id: string, options: Options) => {
      const client = clientFromOptions(options);
      process.exitCode = print(await client.request<{ workflow: { name: string; status: string }; exited?: number }>('POST', `/api/workflows/${encodeURIComponent(id)}/${action}`), options, (v) =>
        `${v.workflow.name}: ${v.workflow.status}${v.exited === undefined ? '' : ` (${v.exited} run(s) exited)`}`,
      );
    });
  }
  withAdmin(
    wf
      .command('migrate')
      .description('move the runs of an old version to the current one')
      .argument('<workflow>')
      .requiredOption('--from <version>', 'the version whose runs move')
      .option('--map <old=new...>', 'step mapping for steps that changed id', (v: string, acc: string[] = []) => [...acc, v])
      .option('--dry-run', 'show the step mapping and how many people would move, and move nobody'),
  ).action(async (id: string, options: Options & { from: string; map?: string[]; dryRun?: boolean }) => {
    const mapping: Record<string, string> = {};
    for (const m of options.map ?? []) {
      const [from, to] = m.split('=');
      if (!from || !to) {
        process.stderr.write(`segflow workflows migrate: --map takes old=new, not ${m}\n`);
        process.exitCode = 2;
        return;
      }
      mapping[from] = to;
    }
    const client = clientFromOptions(options);
    const body = { fromVersion: Number(options.from), mapping, ...(options.dryRun ? { dryRun: true } : {}) };
    const answer = await client.request<{ migrated: number; dryRun: boolean; steps: { from: string; to: string; people: number; keepWait: number }[] }>('POST', `/api/workflows/${encodeURIComponent(id)}/migrate`, body);
    process.exitCode = print(answer, options, (v) =>
      [
        ...v.steps.map((s) => `${s.from} → ${s.to}: ${s.people} ${s.people === 1 ? 'person' : 'people'}${s.keepWait > 0 ? ` (${s.keepWait} keep their wait's instant)` : ''}`),
        v.dryRun ? `${v.migrated} run(s) would move (dry run: nothing changed).` : `${v.migrated} run(s) migrated.`,
      ].join('\n'),
    );
  });
  withAdmin(wf.command('backtest').description('replay the last N days of stored events through a draft workflow file').argument('<file>').option('--days <n>', 'days of history', '30')).action(
    async (file: string, options: Options & { days: string }) => {
      const loaded = loadWorkflowYaml(await readFile(file, 'utf8'));
      if (!loaded.ok) {
        for (const p of loaded.problems) process.stderr.write(`${file}:${p.line ?? 1}:${p.column ?? 1} ${p.code} ${p.message}\n`);
        process.exitCode = 1;
        return;
      }
      const client = clientFromOptions(options);
      process.exitCode = print(
        await client.request<{ people: number; runs: number; reached: Record<string, number>; actions: Record<string, number>; ended: Record<string, number>; profilesScanned: number }>(
          'POST',
          '/api/workflows/backtest',
          { definition: loaded.data, days: Number(options.days) },
        ),
        options,
        (v) =>
          [
            `${v.people} people (${v.runs} runs) of ${v.profilesScanned} scanned would have entered.`,
            ...Object.entries(v.reached).map(([s, n]) => `  reached ${s.padEnd(20)} ${n}${v.actions[s] ? `  (${v.actions[s]} actions)` : ''}`),
            `  ended: ${Object.entries(v.ended).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
          ].join('\n'),
      );
    },
  );
}
