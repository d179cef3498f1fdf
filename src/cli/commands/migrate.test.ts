import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing-cli.js';

describe('segflow migrate', () => {
  it('lists every migration as pending on a new database, applies them, then reports them applied', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'segflow-migrate-')), 'segflow.db');
    const before = await runCli(['migrate', '--status', '--db', db, '--json']);
    expect(before.code).toBe(1);
    const pending = (JSON.parse(before.stdout) as { applied: number[]; pending: number[] });
    expect(pending.applied).toEqual([]);
    expect(pending.pending).toContain(1);

    const run = await runCli(['migrate', '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Applied \d+ migration\(s\)\./);

    const after = await runCli(['migrate', '--status', '--db', db, '--json']);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ appliedNow: [], pending: [], applied: pending.pending });

    const again = await runCli(['migrate', '--db', db]);
    expect(again.stdout).toContain('Already up to date.');
  });

  it('refuses conflicting storage flags as a configuration error', async () => {
    const run = await runCli(['migrate', '--db', 'x.db', '--database-url', 'postgres://localhost/x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not both');
  });
});
