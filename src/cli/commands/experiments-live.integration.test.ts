import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../api/routes/segments-test-server.js';
import { type CliRun, runCli } from './testing-cli.js';

let server: TestServer;
let dir = '';

function segflow(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { ...process.env, CI: '', SEGFLOW_URL: server.url, SEGFLOW_ADMIN_KEY: server.adminKey } });
}

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'segflow-exp-apply-'));
  await writeFile(join(dir, 'buyers.rule'), '# name: Buyers\nperformed("Order Completed", within 30d)\n');
  await copyFile(join(import.meta.dirname, '../../../examples/experiments/cart-abandoners.experiment.json'), join(dir, 'cart-abandoners.experiment.json'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('experiments as code and the live experiment commands', () => {
  it('applies segments and experiment files together, then changes nothing the second time', async () => {
    const first = await segflow(['apply', dir, '--yes']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('experiment cart abandoners threshold: created');
    const again = await segflow(['apply', dir, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('experiment cart abandoners threshold: unchanged');
  });

  it('lists the experiment with its arms, control starred', async () => {
    const run = await segflow(['experiments']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cart abandoners threshold\s+running\s+1h\*:30 24h:30 72h:30 holdout \(holdout\):10/);
  });

  it('prints the report with the SRM line and the verdict', async () => {
    const run = await segflow(['experiments', 'report', 'cart abandoners threshold']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sample ratio: ok');
    expect(run.stdout).toContain('24h vs 1h on purchase: not enough data yet.');
  });

  it('refuses an edited experiment file and says why', async () => {
    const edited = join(dir, 'cart-abandoners.experiment.json');
    const body = JSON.parse(await readFile(edited, 'utf8')) as { plannedPerArm: number };
    await writeFile(edited, JSON.stringify({ ...body, plannedPerArm: 5000 }));
    const run = await segflow(['apply', dir, '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EXPERIMENT_CHANGED');
  });
});
