import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A segflow server started as a child process for benchmarks, on a fresh SQLite file. */
export interface ServerProcess {
  readonly url: string;
  readonly writeKey: string;
  readonly adminKey: string;
  readonly dir: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '../..');

/** Starts `segflow serve --port 0` on a temp database and waits until it prints its URL. */
export async function startServerProcess(extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const writeKey = 'bench_write_key_0123456789';
  const adminKey = 'bench_admin_key_0123456789';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--host', '127.0.0.1', '--db', join(dir, 'bench.db'), '--log-level', 'warn'],
    { cwd: ROOT, env: { ...process.env, SEGFLOW_WRITE_KEY: writeKey, SEGFLOW_ADMIN_KEY: adminKey, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /segflow listening on (\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return {
    url,
    writeKey,
    adminKey,
    dir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
