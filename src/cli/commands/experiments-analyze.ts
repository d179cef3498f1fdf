/**
 * @module
 * `segflow experiments analyze FILE.csv --arm COLUMN --control VALUE --metric COLUMN [--metric …] [--json]`:
 * the report of a finished campaign from a CSV with one row per person (the arm, then 0/1 or numeric outcome
 * columns). Works offline, without a server. `sample-size` answers "how many per arm to detect +10% on a 3%
 * rate". Exit codes: 0 report printed, 2 unreadable file or invalid options/data.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { analysisJson, analyzeCsv, describeCsvProblem, renderAnalysis, sampleSizePerArm } from '../../experiments/index.js';

interface AnalyzeOptions {
  readonly arm: string;
  readonly control: string;
  readonly metric: string[];
  readonly weight?: string[];
  readonly covariate?: string;
  readonly alpha?: string;
  readonly planned?: string;
  readonly json?: boolean;
}

function usage(command: string, message: string): void {
  process.stderr.write(`segflow experiments ${command}: ${message}\n`);
  process.exitCode = 2;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `a=45` pairs into weights, or the offending text. */
export function parseWeights(pairs: readonly string[]): Record<string, number> | string {
  const weights: Record<string, number> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const value = Number(pair.slice(at + 1));
    if (at <= 0 || !(value >= 0) || !Number.isFinite(value)) return pair;
    weights[pair.slice(0, at)] = value;
  }
  return weights;
}

/** A number option in (lo, hi), or undefined when absent; NaN when invalid. */
function numberOption(text: string | undefined, lo: number, hi: number): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  return x > lo && x < hi ? x : Number.NaN;
}

/** Registers `segflow experiments analyze` and `segflow experiments sample-size` under `experiments`. */
export function registerAnalyze(experiments: Command): void {
  experiments
    .command('analyze')
    .description('analyse a finished experiment from a CSV: lift, confidence intervals, p-values, SRM check')
    .argument('<file>', 'CSV with a header line and one row per person; - reads standard input')
    .requiredOption('--arm <column>', 'the column naming each row’s arm')
    .requiredOption('--control <value>', 'the arm the others are compared with')
    .requiredOption('--metric <column>', 'an outcome column, 0/1 (a rate) or numeric (a mean); repeat for more', collect)
    .option('--weight <arm=weight>', 'configured weight of an arm for the sample-ratio check (default: equal); repeat', collect)
    .option('--covariate <column>', 'a pre-exposure column for CUPED variance reduction')
    .option('--alpha <level>', 'significance level', '0.05')
    .option('--planned <n>', 'planned units per arm, tunes the sequential test (default 10000)')
    .option('--json', 'print {"arms":[…],"srm":{…}} instead of the report')
    .action(async (file: string, options: AnalyzeOptions) => {
      const weights = parseWeights(options.weight ?? []);
      if (typeof weights === 'string') return usage('analyze', `--weight ${weights}: write ARM=WEIGHT with a number ≥ 0`);
      const alpha = numberOption(options.alpha, 0, 1);
      if (Number.isNaN(alpha)) return usage('analyze', `--alpha ${options.alpha}: must be between 0 and 1`);
      const planned = numberOption(options.planned, 1, Infinity);
      if (Number.isNaN(planned)) return usage('analyze', `--planned ${options.planned}: must be a number above 1`);
      let input: Readable;
      if (file === '-') input = process.stdin;
      else {
        try {
          await stat(file);
        } catch (e) {
          return usage('analyze', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
        }
        input = createReadStream(file);
      }
      const result = await analyzeCsv(input, {
        armColumn: options.arm,
        control: options.control,
        metrics: options.metric,
        ...(Object.keys(weights).length > 0 ? { weights } : {}),
        ...(options.covariate !== undefined ? { covariate: options.covariate } : {}),
        ...(alpha !== undefined ? { alpha } : {}),
        ...(planned !== undefined ? { plannedPerArm: planned } : {}),
      });
      if (!result.ok) return usage('analyze', describeCsvProblem(result.problem));
      process.stdout.write(options.json ? `${JSON.stringify(analysisJson(result.analysis))}\n` : `${renderAnalysis(result.analysis)}\n`);
    });

  experiments
    .command('sample-size')
    .description('units per arm needed to detect a relative lift on a conversion rate')
    .requiredOption('--rate <rate>', 'the baseline conversion rate, e.g. 0.03')
    .requiredOption('--lift <lift>', 'the smallest relative lift worth detecting, e.g. 0.1 for +10%')
    .option('--alpha <level>', 'two-sided significance level', '0.05')
    .option('--power <power>', 'probability of detecting a real lift', '0.8')
    .option('--json', 'print {"perArm": n}')
    .action((options: { rate: string; lift: string; alpha: string; power: string; json?: boolean }) => {
      const rate = Number(options.rate);
      const lift = Number(options.lift);
      const alpha = Number(options.alpha);
      const power = Number(options.power);
      let perArm: number;
      try {
        perArm = sampleSizePerArm({ baselineRate: rate, relativeLift: lift, alpha, power });
      } catch (e) {
        return usage('sample-size', e instanceof Error ? e.message : String(e));
      }
      const pct = (x: number): string => `${Number((x * 100).toPrecision(6))}%`;
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ perArm })}\n`
          : `To detect ${lift > 0 ? '+' : ''}${pct(lift)} on a ${pct(rate)} rate (alpha ${alpha}, power ${power}) you need ${perArm.toLocaleString('en-US')} per arm.\n`,
      );
    });
}
