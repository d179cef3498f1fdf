/**
 * @module
 * `segflow experiments`: experiments and their statistics. `list` (the default), `report` and `stop` talk to
 * the server (experiments-live.ts); `analyze` and `sample-size` work offline (experiments-analyze.ts); files
 * `*.experiment.json` are applied by `segflow apply` (experiments-apply.ts).
 */
import type { Command } from 'commander';
import { registerAnalyze } from './experiments-analyze.js';
import { registerLive } from './experiments-live.js';

/** Registers `segflow experiments` and its subcommands. */
export function register(program: Command): void {
  const experiments = program.command('experiments').description('A/B-test segment definitions with holdouts, and analyse the results');
  registerLive(experiments);
  registerAnalyze(experiments);
}
