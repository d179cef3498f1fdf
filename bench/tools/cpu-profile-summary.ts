/**
 * @module
 * `npx tsx bench/tools/cpu-profile-summary.ts FILE.cpuprofile [--top N] [--match REGEX…]`: summarises a V8 CPU
 * profile (as written by `node --cpu-prof`, e.g. with `SEGFLOW_BENCH_PROFILE_DIR` set for a bench's server):
 * self time by function and by package/file, and the inclusive time of every frame whose
 * `function (file)` matches one of the given patterns (counted once per sample however deep the recursion), and
 * with `--callers REGEX` the self time of matching frames split by the first caller outside their file, and with
 * `--steps` the busy time split into ingestion's steps (HTTP, validation, identity resolution, SQL, …).
 * docs/performance.md quotes its output.
 */
import { readFileSync } from 'node:fs';
import { stepsOf } from './profile-steps.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  process.stderr.write('usage: cpu-profile-summary FILE.cpuprofile [--top N] [--match REGEX …]\n');
  process.exit(2);
}
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 30;
const patterns: RegExp[] = [];
const callersIdx = args.indexOf('--callers');
const callersOf = callersIdx >= 0 ? new RegExp(args[callersIdx + 1]!) : undefined;
const callers = new Map<string, number>();
args.forEach((a, i) => {
  if (a === '--match' && args[i + 1]) patterns.push(new RegExp(args[i + 1]!));
});

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Where a frame's code lives: a package name, a segflow source path, or a V8/Node category. */
function placeOf(url: string): string {
  if (url === '') return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /\/(src\/.*|bench\/.*)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url;
  return url;
}
const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} (${placeOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1})`;

const selfBy = new Map<string, number>();
const placeBy = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id)!;
  selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + dt);
  const place = placeOf(node.callFrame.url);
  if (!label(node).startsWith('(idle)')) placeBy.set(place, (placeBy.get(place) ?? 0) + dt);
  if (callersOf && callersOf.test(label(node))) {
    let cur = parent.get(id);
    while (cur !== undefined && byId.get(cur)!.callFrame.url === node.callFrame.url) cur = parent.get(cur);
    const caller = cur === undefined ? '(root)' : label(byId.get(cur)!);
    callers.set(caller, (callers.get(caller) ?? 0) + dt);
  }
  if (patterns.length === 0) return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    const l = `${n.callFrame.functionName} (${placeOf(n.callFrame.url)})`;
    for (const p of patterns) {
      const key = l;
      if (p.test(l) && !seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      }
    }
  }
});

const idle = [...selfBy].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
const busy = total - idle;
const pct = (v: number): string => `${((100 * v) / busy).toFixed(1).padStart(5)} %`;
const ms = (v: number): string => `${(v / 1000).toFixed(0).padStart(7)} ms`;
const print = (title: string, m: Map<string, number>, n: number): void => {
  process.stdout.write(`\n## ${title}\n`);
  for (const [k, v] of [...m].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${ms(v)} ${pct(v)}  ${k}\n`);
};
process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages are of busy time)\n`);
print('self time by function', selfBy, top);
print('self time by place', placeBy, top);
if (args.includes('--steps')) print('ingestion steps', stepsOf(profile).steps, 100);
if (callersOf) print(`callers of ${callersOf.source}`, callers, top);
if (patterns.length > 0) print('inclusive time of matching frames', inclusive, 200);
