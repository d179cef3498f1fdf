import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing-cli.js';

describe('segflow experiments analyze', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'segflow-exp-'));
    file = join(dir, 'campaign.csv');
    const lines = ['arm,converted'];
    for (let i = 0; i < 1000; i += 1) lines.push(`control,${i < 100 ? 1 : 0}`, `treatment,${i < 125 ? 1 : 0}`);
    await writeFile(file, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints exactly the documented JSON with --json', async () => {
    const run = await runCli(['experiments', 'analyze', file, '--arm', 'arm', '--control', 'control', '--metric', 'converted', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { arms: { arm: string; n: number; metrics: Record<string, Record<string, number>> }[]; srm: { pValue: number } };
    expect(doc.arms.map((a) => [a.arm, a.n])).toEqual([
      ['control', 1000],
      ['treatment', 1000],
    ]);
    expect(doc.arms[0]?.metrics.converted).toEqual({ mean: 0.1, lift: 0, liftLow: 0, liftHigh: 0, pValue: 1 });
    expect(doc.arms[1]?.metrics.converted?.lift).toBeCloseTo(0.25, 12);
    expect(doc.srm).toEqual({ pValue: 1 });
  });

  it('prints the report with a verdict by default', async () => {
    const run = await runCli(['experiments', 'analyze', file, '--arm', 'arm', '--control', 'control', '--metric', 'converted']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('treatment shows no significant difference from control on converted: +25%');
    expect(run.stdout).toContain('Sample ratio: ok');
  });

  it('exits 2 naming the missing column', async () => {
    const run = await runCli(['experiments', 'analyze', file, '--arm', 'variant', '--control', 'control', '--metric', 'converted']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no column "variant" (the header has: arm, converted)');
  });

  it('answers the sample-size question in one sentence', async () => {
    const run = await runCli(['experiments', 'sample-size', '--rate', '0.03', '--lift', '0.1']);
    expect(run.stdout).toBe('To detect +10% on a 3% rate (alpha 0.05, power 0.8) you need 53,211 per arm.\n');
  });
});
