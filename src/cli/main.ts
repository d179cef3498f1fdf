/**
 * @module
 * The `segflow` command line. Each command lives in its own file under `commands/` and exports a
 * `register(program)` function; this file only assembles them. Exit codes: 0 success, 1 the work failed
 * (diagnostics with errors, a failed import), 2 usage or configuration error.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('segflow')
  .description('Real-time, behaviour-driven audience segmentation for email marketing')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`segflow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
