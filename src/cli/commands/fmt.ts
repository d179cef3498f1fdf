/**
 * @module
 * `segflow fmt [--write | --check] FILE…|-`: prints rule files in canonical form (the same text the printer
 * produces; comment lines above and below the rule are kept). `--write` rewrites files in place, `--check`
 * only reports which files are not formatted (for CI). A file that does not parse, or has a comment inside
 * the rule that formatting would lose, is reported and left alone. Exit codes: 0 done, 1 a file has errors
 * (or, with `--check`, is not formatted), 2 a file could not be read.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatDiagnostics, formatRuleText } from '../../rules/index.js';
import { readSourceOrReport } from './check.js';

interface FmtOptions {
  readonly write?: boolean;
  readonly check?: boolean;
}

/** Registers `segflow fmt`. */
export function register(program: Command): void {
  program
    .command('fmt')
    .description('print rule files in canonical form, or rewrite them with --write')
    .argument('<files...>', 'rule files; - reads standard input')
    .option('--write', 'rewrite the files in place')
    .option('--check', 'list files that are not formatted and exit 1 if any')
    .action(async (files: string[], options: FmtOptions) => {
      for (const file of files) {
        const source = await readSourceOrReport('fmt', file);
        if (source === undefined) return;
        const name = file === '-' ? '<stdin>' : file;
        const result = formatRuleText(source);
        if (!result.ok) {
          process.stderr.write(`${formatDiagnostics(result.diagnostics, source, name)}\n`);
          process.exitCode = 1;
          continue;
        }
        if (options.check) {
          if (result.changed) {
            process.stdout.write(`${name}: not formatted\n`);
            process.exitCode = 1;
          }
        } else if (options.write && file !== '-') {
          if (result.changed) await writeFile(file, result.text, 'utf8');
        } else {
          process.stdout.write(result.text);
        }
      }
    });
}
