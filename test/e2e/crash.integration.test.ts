/**
 * Durability: a server in a child process acknowledges batches, is killed with SIGKILL mid-stream, restarts on
 * the same SQLite file, and every acknowledged event is there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';

const WRITE_KEY = 'sfw_crash_test_write_key_000';
const dir = mkdtempSync(join(tmpdir(), 'segflow-crash-'));
const dbFile = join(dir, 'segflow.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `segflow serve` as a child process and resolves with its URL once it prints it. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--db', dbFile], {
    env: { ...process.env, SEGFLOW_WRITE_KEY: WRITE_KEY, SEGFLOW_ADMIN_KEY: 'sfa_crash_test_admin_key_000', SEGFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /segflow listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
}

const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

describe('crash durability', () => {
  it('finds every acknowledged event after kill -9 and a restart', async () => {
    const first = await startServer();
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const sender = async (): Promise<void> => {
      while (!killed) {
        const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'track', messageId: randomUUID(), userId: `crash-${(sent + i) % 20}`, event: 'Tick' }));
        sent += batch.length;
        try {
          const res = await fetch(`${first.url}/v1/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({ batch }),
          });
          if (res.status === 200) acknowledged.push(...batch.map((m) => m.messageId));
        } catch {
          // the connection died with the server: not acknowledged
        }
      }
    };
    const senders = [sender(), sender(), sender()];
    // Kill once enough batches were acknowledged, while the three senders still have requests in flight.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (acknowledged.length >= 3000) resolve();
        else setImmediate(check);
      };
      check();
    });
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(senders);
    expect(sent).toBeGreaterThan(acknowledged.length);

    const second = await startServer();
    const ready = await fetch(`${second.url}/readyz`);
    expect(ready.status).toBe(200);
    const stopped = new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);

    const store = await openSqliteStore({ file: dbFile });
    try {
      const found = await store.events.existing('ws_default', acknowledged);
      expect(found.size).toBe(acknowledged.length);
      expect(await store.events.count('ws_default')).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await store.close();
    }
  });
});
