/**
 * Test support for the CLI commands: runs the real `segflow` entry point in a child process, as a user would.
 * Not part of the CLI.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** What one run of the CLI printed and how it exited (-1 when killed by a signal). */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the CLI: `stdin` is written and closed (without it the child has no stdin); `env` replaces the environment. */
export interface CliRunOptions {
  readonly stdin?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `segflow ...args` (src/cli/main.ts through tsx) from the repository root and waits for it to exit. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const argv = [tsx, join(root, 'src/cli/main.ts'), ...args];
    const common = { cwd: root, env: options.env ?? process.env };
    const child =
      options.stdin === undefined
        ? spawn(process.execPath, argv, { ...common, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, argv, { ...common, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}
