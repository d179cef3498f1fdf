/**
 * @module
 * `npx tsx bench/tools/ingest-profile.ts [--seconds N] [--writer thread|inline] [--dir DIR] [--no-profile]`: where a segflow
 * server's CPU goes per 1,000 ingested events. Starts `segflow serve` on a fresh SQLite file under `--cpu-prof`,
 * warms it up, drives the bench's batched load (16 clients, batches of 100 track events) for N seconds, and
 * prints (1) each server thread's CPU (from /proc) per 1k events of the measured phase, and (2) from the CPU
 * profiles, each thread's busy time split into ingestion's steps ({@link STEPS}) per 1k events of the server's
 * whole life (warm-up included, start-up excluded). CPU time, not wall-clock, is what a shared machine distorts
 * least; docs/performance.md quotes this output. `--no-profile` leaves the profiler off (it costs ~10 % CPU) and
 * prints only the /proc figures.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchBody, load, writeKeyAuth } from '../support/http-load.js';
import { startServerProcess } from '../support/server-process.js';
import { quantile } from '../support/stats.js';
import { stepsOf, type CpuProfile } from './profile-steps.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const seconds = Number(opt('--seconds', '10'));
const writer = opt('--writer', 'thread');
const dir = opt('--dir', `/tmp/segflow-ingest-profile-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));

/** CPU seconds of every thread of `pid`, by tid, with the thread's name. */
function threads(pid: number): Map<number, { name: string; cpu: number }> {
  const out = new Map<number, { name: string; cpu: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { name, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the thread ended
    }
  }
  return out;
}

const profiling = !args.includes('--no-profile');
if (profiling) process.env.SEGFLOW_BENCH_PROFILE_DIR = dir;
const server = await startServerProcess({ SEGFLOW_INGEST_WRITER: writer });
const auth = writeKeyAuth(server.writeKey);
const pid = server.child.pid!;
let events = 0;
let measured;
let cpu0: Map<number, { name: string; cpu: number }>;
let cpu1: Map<number, { name: string; cpu: number }>;
try {
  const warm = await load(server.url, '/v1/batch', auth, (i) => batchBody(-1 - i), 100, 8, 2);
  events += warm.events;
  cpu0 = threads(pid);
  measured = await load(server.url, '/v1/batch', auth, (i) => batchBody(i), 100, 16, seconds);
  cpu1 = threads(pid);
  events += measured.events;
} finally {
  await server.stop();
}
const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const per1k = (cpuSeconds: number, n: number): string => `${((1000 * cpuSeconds * 1000) / n).toFixed(1)} ms`;
process.stdout.write(
  `writer ${writer}: ${measured.events} events in ${measured.seconds.toFixed(1)} s = ${Math.round(measured.events / measured.seconds)} events/s, ack p50 ${quantile(measured.latenciesMs, 0.5).toFixed(0)} ms p99 ${quantile(measured.latenciesMs, 0.99).toFixed(0)} ms, ${measured.failures} non-200; load average ${load1}\n\n`,
);
process.stdout.write(`## CPU per 1k events in the measured phase, by server thread (/proc)\n`);
let total = 0;
const rows: Array<[string, number]> = [];
for (const [tid, t] of cpu1) {
  const d = t.cpu - (cpu0.get(tid)?.cpu ?? 0);
  total += d;
  if (d > 0) rows.push([`${tid === pid ? 'main (HTTP) thread' : `${t.name} [${tid}]`}`, d]);
}
for (const [name, d] of rows.sort((a, b) => b[1] - a[1])) process.stdout.write(`${per1k(d, measured.events).padStart(10)}  ${name}\n`);
process.stdout.write(`${per1k(total, measured.events).padStart(10)}  whole process (${total.toFixed(2)} CPU-s)\n`);

if (!profiling) process.exit(0);
process.stdout.write(`\n## CPU profile: busy time per 1k events (${events} events over the server's life, start-up excluded)\n`);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f)).sort()) {
  const { steps, busyUs } = stepsOf(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  const startup = steps.get('start-up (module loading, tsx)') ?? 0;
  if (busyUs - startup < 0.05 * busyUs) continue;
  process.stdout.write(`\n### ${file}: ${per1k((busyUs - startup) / 1e6, events)} busy per 1k events\n`);
  for (const [name, us] of [...steps].sort((a, b) => b[1] - a[1])) {
    if (name.startsWith('start-up') || us < 0.005 * busyUs) continue;
    process.stdout.write(`${per1k(us / 1e6, events).padStart(10)}  ${((100 * us) / (busyUs - startup)).toFixed(1).padStart(5)} %  ${name}\n`);
  }
}
