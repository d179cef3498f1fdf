/**
 * @module
 * `segflow experiments`: experiments and their statistics. `analyze` and `sample-size` work offline
 * (experiments-analyze.ts).
 */
import type { Command } from 'commander';
import { registerAnalyze } from './experiments-analyze.js';

/** Registers `segflow experiments` and its subcommands. */
export function register(program: Command): void {
  const experiments = program.command('experiments').description('A/B-test segment definitions with holdouts, and analyse the results');
  registerAnalyze(experiments);
}
