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

/**
 * Node flags for the server process: with `SEGFLOW_BENCH_PROFILE_DIR` set, the server writes a V8 CPU profile
 * there when it stops (`--cpu-prof` is refused in NODE_OPTIONS, so it cannot be passed down that way).
 */
function profileFlags(): string[] {
  const dir = process.env.SEGFLOW_BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

/**
 * Starts `segflow serve --port 0` and waits until it prints its URL: on a temp SQLite file, or on the
 * PostgreSQL database of `databaseUrl` (then several servers may share it).
 */
export async function startServerProcess(extraEnv: Record<string, string> = {}, databaseUrl?: string): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const writeKey = 'bench_write_key_0123456789';
  const adminKey = 'bench_admin_key_0123456789';
  const database = databaseUrl ? ['--database-url', databaseUrl] : ['--db', join(dir, 'bench.db')];
  const child = spawn(
    process.execPath,
    [...profileFlags(), '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--host', '127.0.0.1', ...database, '--log-level', 'warn'],
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
