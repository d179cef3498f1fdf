import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../app/index.js';
import { chooseTarget, describeTarget, guessFormat } from './import.js';
import { type CliRun, runCli } from './testing-cli.js';

const ROOT = join(import.meta.dirname, '../../..');
const OTTO = join(ROOT, '../shared/data/otto-sessions-sample.jsonl');

/** Runs the real CLI in a child process. */
const segflow = (args: string[]): Promise<CliRun> => runCli(args);

describe('segflow import', () => {
  it('imports the OTTO sample into SQLite, and a second run stores nothing again', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'segflow-import-cli-')), 'segflow.db');
    const first = await segflow(['import', OTTO, '--db', db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ read: 862, accepted: 862, duplicates: 0, rejected: 0 });
    const second = await segflow(['import', OTTO, '--db', db, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ read: 862, accepted: 0, duplicates: 862 });

    const store = await openStore({ kind: 'sqlite', file: db });
    try {
      expect(await store.events.count('ws_default')).toBe(862);
      const profileId = await store.profiles.findByIdentity('ws_default', 'user_id', 'otto-0');
      expect(profileId).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('shifts timestamps so the latest event lands at the requested instant', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'segflow-import-cli-')), 'segflow.db');
    const result = await segflow(['import', OTTO, '--db', db, '--json', '--shift-to', '2026-11-01T00:00:00Z']);
    expect(result.code).toBe(0);
    const store = await openStore({ kind: 'sqlite', file: db });
    try {
      const latest = (await store.sql.query<{ t: number }>('SELECT MAX(timestamp) AS t FROM events'))[0]!.t;
      expect(latest).toBe(Date.parse('2026-11-01T00:00:00Z'));
    } finally {
      await store.close();
    }
  });

  it('reports rejected messages with their line and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-import-cli-'));
    const file = join(dir, 'm.jsonl');
    writeFileSync(file, '{"type":"track","userId":"u1","event":"A","messageId":"m1"}\n{"type":"track","userId":"u1"}\n');
    const result = await segflow(['import', file, '--db', join(dir, 'x.db')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('stored          1');
    expect(result.stdout).toMatch(/line 2: INGEST_MISSING_EVENT/);
  });

  it('refuses a CSV without a mapping as a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-import-cli-'));
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const result = await segflow(['import', file, '--db', join(dir, 'x.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CSV needs --mapping');
  });

  it('guesses the format from the file name', () => {
    expect(guessFormat('/x/online-retail-2010-12-to-2011-06.csv.gz')).toBe('online-retail');
    expect(guessFormat('otto-sessions-sample.jsonl')).toBe('otto');
    expect(guessFormat('events.ndjson.gz')).toBe('jsonl');
    expect(guessFormat('orders.csv')).toBe('csv');
    expect(guessFormat('orders.xlsx')).toBeUndefined();
  });
});

describe('where segflow import writes', () => {
  const noServer = async () => false;
  const aServer = async () => true;

  it('writes to the default database file when no server answers and none is named', async () => {
    const chosen = await chooseTarget({}, {}, noServer);
    expect(chosen).toMatchObject({ ok: true, target: { kind: 'database', storage: { kind: 'sqlite' } } });
  });

  it('sends to a server that answers at SEGFLOW_URL, with the write key from the environment', async () => {
    const chosen = await chooseTarget({}, { SEGFLOW_URL: 'http://127.0.0.1:9', SEGFLOW_WRITE_KEY: 'sfw_x' }, aServer);
    expect(chosen).toEqual({ ok: true, target: { kind: 'server', url: 'http://127.0.0.1:9', writeKey: 'sfw_x' } });
  });

  it('does not look for a server when a database is named by flag or environment', async () => {
    const never = async () => {
      throw new Error('probed');
    };
    expect(await chooseTarget({ db: '/tmp/x.db' }, {}, never)).toMatchObject({ ok: true, target: { kind: 'database' } });
    expect(await chooseTarget({}, { SEGFLOW_DATABASE_URL: 'postgres://u:secret@h/db' }, never)).toMatchObject({
      ok: true,
      target: { kind: 'database', storage: { kind: 'postgres' } },
    });
  });

  it('refuses --url together with --db, and --url without a write key', async () => {
    expect(await chooseTarget({ url: 'http://h', db: 'x.db', writeKey: 'k' }, {}, noServer)).toMatchObject({ ok: false });
    const noKey = await chooseTarget({ url: 'http://h' }, {}, noServer);
    expect(noKey.ok).toBe(false);
    expect(JSON.stringify(noKey)).toContain('SEGFLOW_WRITE_KEY');
  });

  it('names the target without a database password', () => {
    expect(describeTarget({ kind: 'database', storage: { kind: 'postgres', url: 'postgres://u:secret@h/db' } })).toBe(
      'the PostgreSQL database postgres://u:***@h/db',
    );
    expect(describeTarget({ kind: 'server', url: 'http://127.0.0.1:8080', writeKey: 'k' })).toBe('the segflow server at http://127.0.0.1:8080');
  });
});
