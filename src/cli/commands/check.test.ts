import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSource, parseDurationOption } from './check.js';
import { type CliRun, runCli } from './testing-cli.js';

/** Runs the real CLI in a child process, with `stdin` as its standard input. */
const segflow = (args: string[], stdin = ''): Promise<CliRun> => runCli(args, { stdin });

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segflow-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('segflow check', () => {
  it('prints each error with its position, the source line and a caret, and exits 1', async () => {
    const file = join(dir, 'bad.rule');
    await writeFile(file, '# comment\nperformed("A", within 48x)\n');
    const r = await segflow(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `${file}:2:23 RULE1004 error: Unknown duration unit in 48x; use s, m, h, d or w (e.g. 48h).\n` +
        '  performed("A", within 48x)\n' +
        '                        ^^^\n\n' +
        '1 error in 1 file\n',
    );
  });

  it('reads standard input, prints JSON with --json, and exits 0 when there are only warnings', async () => {
    const r = await segflow(['check', '--json', '-'], 'performed("Email Opened")');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; code: string; severity: string }[];
    expect(out.map((d) => [d.file, d.code, d.severity])).toEqual([['<stdin>', 'RULE3001', 'warning']]);
  });
});

describe('segflow fmt', () => {
  it('rewrites a file in canonical form with --write and keeps its header comments', async () => {
    const file = join(dir, 'fmt.rule');
    await writeFile(file, '# name: Openers\nperformed( "Email Opened" ,within 7d )   and   subscribed');
    const r = await segflow(['fmt', '--write', file]);
    expect(r.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('# name: Openers\nperformed("Email Opened", within 7d) and subscribed\n');
    expect((await segflow(['fmt', '--check', file])).code).toBe(0);
  });
});

describe('check helpers', () => {
  it('reads canonical JSON files and reports JSON that does not parse', () => {
    expect(diagnoseSource('a.json', '{"version":1,"condition":{"kind":"subscription","state":"subscribed"}}', {})).toEqual([]);
    expect(diagnoseSource('a.json', '{nope', {}).map((d) => d.code)).toEqual(['RULE1101']);
  });

  it('reads retention durations and refuses anything else', () => {
    expect(parseDurationOption('365d')).toBe(365 * 86_400_000);
    expect(parseDurationOption('1 year')).toBeUndefined();
  });
});
