import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent } from '../contract/event-fixture.js';
import { appliedMigrations, pendingMigrations } from '../migrate.js';
import { migrations } from '../migrations/index.js';
import { synchronousFromEnv } from './configure-sqlite.js';
import { openSqliteStore } from './open-sqlite-store.js';

const crashWriter = fileURLToPath(new URL('../testing/crash-writer.ts', import.meta.url));

/** Starts the crash writer on `file`; `acknowledged()` is the last batch it reported committed. */
function startWriter(file: string): {
  child: ReturnType<typeof spawn>;
  acknowledged: () => number;
  reached: (batch: number) => Promise<void>;
  exited: Promise<NodeJS.Signals | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', crashWriter, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let acknowledged = -1;
  let stderr = '';
  const waiters: Array<{ batch: number; resolve: () => void }> = [];
  let buffer = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^committed (\d+)$/.exec(line);
      if (match) acknowledged = Number(match[1]);
    }
    for (const w of waiters.splice(0)) {
      if (acknowledged >= w.batch) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const reached = (batch: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (acknowledged >= batch) return resolve();
      waiters.push({ batch, resolve });
      void exited.then(() => {
        if (acknowledged < batch) reject(new Error(`crash writer exited early: ${stderr}`));
      });
    });
  return { child, acknowledged: () => acknowledged, reached, exited };
}

/** The messageIds of batches 0..last of the crash writer. */
function writerIds(last: number): string[] {
  return Array.from({ length: (last + 1) * 10 }, (_, n) => `b${Math.floor(n / 10)}-e${n % 10}`);
}

describe('openSqliteStore', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-sqlite-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing parent directories and runs in WAL mode', async () => {
    const file = join(tempDir(), 'nested', 'deeper', 'segflow.db');
    const store = await openSqliteStore({ file });
    try {
      expect(existsSync(file)).toBe(true);
      const [row] = await store.sql.query<{ journal_mode: string }>('PRAGMA journal_mode');
      expect(row?.journal_mode).toBe('wal');
      // 1 = NORMAL: the default, unless SEGFLOW_SQLITE_SYNCHRONOUS says otherwise. Read inside a transaction,
      // which runs on the write connection (the one whose setting matters).
      const expected = synchronousFromEnv() === 'FULL' ? 2 : 1;
      expect(await store.transaction((tx) => tx.sql.query('PRAGMA synchronous'))).toEqual([{ synchronous: expected }]);
    } finally {
      await store.close();
    }
  });

  it('fsyncs every commit when asked for synchronous FULL', async () => {
    const store = await openSqliteStore({ file: join(tempDir(), 'segflow.db'), synchronous: 'FULL' });
    try {
      expect(await store.transaction((tx) => tx.sql.query('PRAGMA synchronous'))).toEqual([{ synchronous: 2 }]);
    } finally {
      await store.close();
    }
  });

  it('leaves the schema alone when asked not to migrate, so a tool can report what is pending', async () => {
    const file = join(tempDir(), 'segflow.db');
    const bare = await openSqliteStore({ file, migrate: false });
    try {
      expect(await appliedMigrations(bare.sql)).toEqual([]);
      expect((await pendingMigrations(bare.sql)).map((m) => m.id)).toEqual(migrations.map((m) => m.id).sort((a, b) => a - b));
    } finally {
      await bare.close();
    }
    const migrated = await openSqliteStore({ file });
    try {
      expect(await pendingMigrations(migrated.sql)).toEqual([]);
    } finally {
      await migrated.close();
    }
  });

  it('opens a private in-memory database for :memory:', async () => {
    const store = await openSqliteStore({ file: ':memory:' });
    try {
      await store.events.append([makeEvent({ messageId: 'm1' })]);
      expect(await store.events.count('ws_default')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('keeps a committed transaction across closing and reopening the file, and forgets a rolled-back one', async () => {
    const file = join(tempDir(), 'segflow.db');
    const first = await openSqliteStore({ file });
    await first.transaction(async (tx) => {
      await tx.profiles.create('ws_default', 'prof_a', 1);
      await tx.events.append([makeEvent({ messageId: 'kept' })]);
    });
    await first
      .transaction(async (tx) => {
        await tx.events.append([makeEvent({ messageId: 'undone' })]);
        throw new Error('roll back');
      })
      .catch(() => {});
    await first.close();

    const second = await openSqliteStore({ file });
    try {
      expect((await second.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['kept']);
      expect((await second.profiles.get('ws_default', 'prof_a'))?.id).toBe('prof_a');
    } finally {
      await second.close();
    }
  });

  it('keeps every acknowledged transaction when the writing process is killed with SIGKILL', async () => {
    const file = join(tempDir(), 'segflow.db');
    const writer = startWriter(file);
    // Kill it mid-stream, after a good number of acknowledged commits.
    await writer.reached(200);
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');
    const acknowledged = writer.acknowledged();

    const store = await openSqliteStore({ file });
    try {
      const stored = await store.events.existing('ws_default', writerIds(acknowledged));
      expect(stored.size).toBe((acknowledged + 1) * 10);
      // Whatever committed after the last acknowledgement is whole batches, never part of one.
      expect((await store.events.count('ws_default')) % 10).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('shares the file with a second process writing at the same time (e.g. an import beside the server)', async () => {
    const file = join(tempDir(), 'segflow.db');
    const writer = startWriter(file);
    await writer.reached(5);
    const store = await openSqliteStore({ file });
    try {
      for (let b = 0; b < 50; b++) {
        await store.transaction((tx) =>
          tx.events.append(Array.from({ length: 10 }, (_, i) => makeEvent({ messageId: `parent-${b}-${i}` }))),
        );
      }
      writer.child.kill('SIGKILL');
      await writer.exited;
      const acknowledged = writer.acknowledged();
      expect(acknowledged).toBeGreaterThanOrEqual(5);
      expect((await store.events.existing('ws_default', writerIds(acknowledged))).size).toBe((acknowledged + 1) * 10);
      const parentIds = Array.from({ length: 500 }, (_, n) => `parent-${Math.floor(n / 10)}-${n % 10}`);
      expect((await store.events.existing('ws_default', parentIds)).size).toBe(500);
      const log = await store.events.readLog(0, 100_000);
      expect(log.map((e) => e.seq)).toEqual([...log.map((e) => e.seq)].sort((a, b) => a - b));
    } finally {
      writer.child.kill('SIGKILL');
      await store.close();
    }
  });
});
