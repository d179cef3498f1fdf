/**
 * @module
 * `npm run bench [-- --quick] [-- --only NAME]`: runs every workload, prints a table and rewrites
 * BENCHMARKS.md with the machine, the command and the figures. Benchmarks are measurements, never tests:
 * nothing here fails a build.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { limitHeapGrowth } from '../src/app/heap-growth.js';
import type { BenchRow } from './workload.js';
import { workloads } from './workloads/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const large = args.includes('--large');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

// As `segflow serve` does (src/app/start-app.ts): the in-process engine workloads run with the same heap growth cap.
limitHeapGrowth(process.env);

const rows: BenchRow[] = [];
for (const w of workloads) {
  if (only && !w.name.includes(only)) continue;
  process.stderr.write(`bench: ${w.name} — ${w.description}\n`);
  const started = performance.now();
  try {
    rows.push(...(await w.run({ quick, large })));
  } catch (err) {
    rows.push({ workload: w.name, metric: 'error', value: NaN, unit: '', target: '', note: String(err) });
  }
  process.stderr.write(`bench: ${w.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const fmt = (n: number): string =>
  Number.isFinite(n) ? (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2)) : 'n/a';
const verdict = (r: BenchRow): string => (r.met === undefined ? '' : r.met ? 'met' : 'NOT met');
const header = '| workload | metric | value | unit | target | verdict | note |\n|---|---|---:|---|---|---|---|';
const table = [
  header,
  ...rows.map(
    (r) =>
      `| ${r.workload} | ${r.metric} | ${fmt(r.value)} | ${r.unit} | ${r.target} | ${verdict(r)} | ${(r.note ?? '').replace(/\|/g, '/')} |`,
  ),
].join('\n');

process.stdout.write(`${table}\n`);

const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
const doc = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString()}. Re-run it to refresh this file; figures from a
shared, noisy 2-core machine vary by ±20 % between runs.

- Machine: ${machine}
- Command: \`${command}\`${quick ? ' (quick mode: smaller workloads, figures indicative only)' : ''}

${table}
`;
if (!only) writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), doc);
else process.stderr.write('bench: --only given, BENCHMARKS.md left unchanged\n');
