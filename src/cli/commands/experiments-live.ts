/**
 * @module
 * `segflow experiments [list]`, `segflow experiments report ID|NAME` and `segflow experiments stop ID|NAME`:
 * the server's experiments through the admin API. The report prints one table per metric, the sample-ratio
 * check and the server's plain-language verdict; `--json` prints the API's report as is.
 */
import type { Command } from 'commander';
import { addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';

interface ApiExperiment {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly definition: { readonly control: string; readonly arms: readonly { readonly name: string; readonly weight: number; readonly holdout?: boolean }[] };
  readonly createdAt: string;
}

interface ApiMetric {
  readonly kind: 'proportion' | 'mean';
  readonly guardrail: boolean;
  readonly mean: number | null;
  readonly lift: number | null;
  readonly liftLow: number | null;
  readonly liftHigh: number | null;
  readonly pValue: number | null;
  readonly sequential: { readonly significant: boolean };
}

interface ApiReport {
  readonly experiment: ApiExperiment;
  readonly at: string;
  readonly alpha: number;
  readonly arms: readonly { readonly arm: string; readonly n: number; readonly control: boolean; readonly holdout: boolean; readonly metrics: Readonly<Record<string, ApiMetric>> }[];
  readonly srm: { readonly chiSquare: number; readonly pValue: number; readonly mismatch: boolean };
  readonly verdict: readonly string[];
}

type Options = { url?: string; key?: string; json?: boolean };

const pct = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(Math.abs(x) >= 0.1 ? 0 : 1)}%`);

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** The report as text for a terminal. */
export function renderApiReport(report: ApiReport): string {
  const out = [`${report.experiment.name} (${report.experiment.status}) — report at ${report.at}`, ''];
  const metricNames = Object.keys(report.arms[0]?.metrics ?? {});
  for (const name of metricNames) {
    const kind = report.arms[0]?.metrics[name]?.kind;
    out.push(`${name}${report.arms[0]?.metrics[name]?.guardrail ? ' (guardrail)' : ''}`);
    out.push(
      ...table([
        ['ARM', 'N', kind === 'proportion' ? 'RATE' : 'MEAN', 'LIFT', `${Math.round((1 - report.alpha) * 100)}% CI`, 'P', 'SEQUENTIAL'],
        ...report.arms.map((arm) => {
          const m = arm.metrics[name];
          const label = `${arm.arm}${arm.control ? ' (control)' : arm.holdout ? ' (holdout)' : ''}`;
          const mean = m?.mean === null || m === undefined ? 'n/a' : kind === 'proportion' ? `${(m.mean * 100).toFixed(2)}%` : m.mean.toPrecision(4);
          if (arm.control || m === undefined) return [label, String(arm.n), mean, '', '', '', ''];
          return [label, String(arm.n), mean, pct(m.lift), `${pct(m.liftLow)} … ${pct(m.liftHigh)}`, m.pValue === null ? 'n/a' : m.pValue.toPrecision(2), m.sequential.significant ? 'significant' : 'not yet'];
        }),
      ]),
      '',
    );
  }
  out.push(report.srm.mismatch ? `Sample ratio: MISMATCH (p = ${report.srm.pValue.toPrecision(2)})` : `Sample ratio: ok (p = ${report.srm.pValue.toPrecision(2)})`, '');
  out.push(...report.verdict);
  return out.join('\n');
}

function fail(command: string, problem: Parameters<typeof describeProblem>[0]): void {
  process.stderr.write(`segflow experiments ${command}: ${describeProblem(problem)}\n`);
  process.exitCode = 1;
}

async function list(options: Options): Promise<void> {
  const res = await clientFromOptions(options).request<{ experiments: ApiExperiment[] }>('GET', '/api/experiments');
  if (!res.ok) return fail('list', res.problem);
  if (options.json) return void process.stdout.write(`${JSON.stringify(res.value.experiments, null, 2)}\n`);
  if (res.value.experiments.length === 0) return void process.stdout.write('No experiments yet. Declare one in a *.experiment.json file and run `segflow apply DIR`.\n');
  const rows = [
    ['NAME', 'STATUS', 'ARMS', 'CREATED'],
    ...res.value.experiments.map((e) => [
      e.name,
      e.status,
      e.definition.arms.map((a) => `${a.name}${a.name === e.definition.control ? '*' : ''}${a.holdout ? ' (holdout)' : ''}:${a.weight}`).join(' '),
      e.createdAt,
    ]),
  ];
  process.stdout.write(`${table(rows).join('\n')}\n`);
}

/** Registers `list`, `report` and `stop` under `segflow experiments` (list is also the default). */
export function registerLive(experiments: Command): void {
  // the default subcommand, so `segflow experiments` lists; options stay on the subcommands (an option on the
  // parent would swallow `--json` meant for `analyze`)
  addAdminOptions(experiments.command('list', { isDefault: true }).description('list the experiments')).action((options: Options) => list(options));
  addAdminOptions(experiments.command('report').description('the report: lift, intervals, p-values, sequential test, SRM check, verdict').argument('<experiment>', 'id or name')).action(
    async (ref: string, options: Options) => {
      const res = await clientFromOptions(options).request<ApiReport>('GET', `/api/experiments/${encodeURIComponent(ref)}/report`);
      if (!res.ok) return fail('report', res.problem);
      process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${renderApiReport(res.value)}\n`);
    },
  );
  addAdminOptions(experiments.command('stop').description('stop recording exposures and conversions (the report stays)').argument('<experiment>', 'id or name')).action(
    async (ref: string, options: Options) => {
      const res = await clientFromOptions(options).request<{ experiment: ApiExperiment }>('POST', `/api/experiments/${encodeURIComponent(ref)}/stop`);
      if (!res.ok) return fail('stop', res.problem);
      process.stdout.write(options.json ? `${JSON.stringify(res.value.experiment)}\n` : `Stopped ${res.value.experiment.name}.\n`);
    },
  );
}
