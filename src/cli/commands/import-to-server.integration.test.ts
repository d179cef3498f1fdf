import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../api/routes/segments-test-server.js';
import { type CliRun, runCli } from './testing-cli.js';

const ROOT = join(import.meta.dirname, '../../..');
const OTTO = join(ROOT, '../shared/data/otto-sessions-sample.jsonl');

let server: TestServer;

/** The CLI with a clean environment: no database or server named unless the test says so. */
function segflow(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { SEGFLOW_DB: _db, SEGFLOW_DATABASE_URL: _pg, SEGFLOW_URL: _url, SEGFLOW_WRITE_KEY: _key, ...rest } = process.env;
  return runCli(args, { env: { ...rest, ...env } });
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('segflow import to a running server', () => {
  it('sends to the server named by --url through /v1/batch, and says so', async () => {
    const run = await segflow(['import', OTTO, '--url', server.url, '--write-key', server.writeKey, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ target: { kind: 'server', url: server.url }, read: 862, accepted: 862, rejected: 0 });
    expect(await server.store.events.count('ws_default')).toBe(862);
  });

  it('goes to the server answering at SEGFLOW_URL when no database is named, and reports rejected lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-import-server-'));
    const file = join(dir, 'm.jsonl');
    writeFileSync(file, '{"type":"track","userId":"srv-1","event":"A","messageId":"srv-m1"}\n{"type":"track","userId":"srv-1"}\n');
    const run = await segflow(['import', file], { SEGFLOW_URL: server.url, SEGFLOW_WRITE_KEY: server.writeKey });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`writing to the segflow server at ${server.url}`);
    expect(run.stdout).toContain(`imported ${file} into the segflow server at ${server.url}`);
    expect(run.stdout).toMatch(/line 2: INGEST_MISSING_EVENT/);
    expect(await server.store.profiles.findByIdentity('ws_default', 'user_id', 'srv-1')).toBeDefined();
  });

  it('asks for the write key when a server answers, rather than writing to a file it would not read', async () => {
    const run = await segflow(['import', OTTO], { SEGFLOW_URL: server.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`a segflow server answers at ${server.url}`);
    expect(run.stderr).toContain('--write-key');
    expect(run.stderr).toContain('--db FILE');
  });

  it('writes to the named database file even when a server answers, and says which file', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'segflow-import-server-')), 'other.db');
    const run = await segflow(['import', OTTO, '--db', db], { SEGFLOW_URL: server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`into the SQLite database ${db}`);
  });
});
