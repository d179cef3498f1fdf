/**
 * @module
 * Ingestion's steps as seen in a V8 CPU profile (`node --cpu-prof`): each sample goes to the first step (from
 * the sampled frame up its stack) whose pattern matches a frame's `function (place)`. Shared by
 * `cpu-profile-summary.ts --steps` and `ingest-profile.ts`, so both print the same split.
 */

/** A parsed `.cpuprofile` (the parts read here). */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The steps, in matching order: the first that matches a frame (walking up from the sampled one) wins. */
export const STEPS: ReadonlyArray<readonly [string, RegExp]> = [
  ['GC', /^\(garbage collector\)/],
  ['SQL: COMMIT (WAL page writes)', /^transaction \(src\/store\/sqlite\/sqlite-executor/],
  ['SQL: append events (INSERT per row)', /^appendSqlite /],
  ['SQL: create profiles + identities (first sight)', /^createWithIdentities /],
  ['SQL: identity lookup', /^(findByIdentities|lockIdentities) /],
  ['SQL: dedupe lookup (existing messageIds)', /^existing \(src\/store/],
  ['SQL: widen first/last seen', /^touchMany /],
  ['suppression probe (erasure tombstones)', /^dropSuppressed |src\/ingest\/drop-suppressed|suppression-filter/],
  ['identity resolution (JS)', /^(resolveMessages|prefetchIdentities|resolveIdentity|withIdentityCache|widenFirstLastSeen) |src\/ingest\/(identity-cache|resolve-|merge-log|subscription|seen-ranges)/],
  ['group commit glue (JS)', /^(commitGroup|appendAndReport|findExistingMessages) |src\/ingest\/(write-queue|group-writer|commit-group)|json-column/],
  ['hand-over to the writer thread (structured clone)', /^postMessage |writer-thread/],
  ['log followers: engine (readLog + evaluation)', /src\/engine\//],
  ['log followers: workflows', /src\/workflows\//],
  ['log followers: experiments, catalogue, scorer, size history', /src\/(experiments|monitor|predict|membership|destinations)\//],
  ['log followers: SQL reads (readLog, histories, cursors)', /^(readLog|readHistories|toEvent|headSeq) |src\/store\/consumer\/|log-tail/],
  ['tracking-plan screen', /src\/tracking-plan\/|screenMessages/],
  ['validation + normalisation', /^(validateMessage|normaliseTimestamp|messageIdOf|ingest) |src\/ingest\/(validate|normalise|dedupe|pipeline)/],
  ['HTTP body JSON.parse', /^parseJson /],
  ['key check (hash, cache, revocation generation)', /^(authenticate|authGeneration|findKeyByHash|hashKey) |src\/ingest\/authenticate/],
  ['start-up (module loading, tsx)', /avvio|ajv-compiler|fast-json-stringify-compiler|compileSchemas|node:internal\/modules|^\(program\)|tsx|compileSourceTextModule|wrapSafe|esbuild/],
  ['HTTP + Fastify (sockets, routing, hooks, reply)', /fastify|find-my-way|node:_http|node:internal\/streams|node:net|^writev |src\/api\//],
];

/** Busy microseconds per step (idle excluded), and the busy total. */
export function stepsOf(profile: CpuProfile): { readonly steps: Map<string, number>; readonly busyUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const labels = new Map<number, string>();
  const label = (id: number): string => {
    let l = labels.get(id);
    if (l === undefined) {
      const n = byId.get(id)!;
      const url = n.callFrame.url;
      const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      const src = /\/(src\/.*|bench\/.*)$/.exec(url);
      const place = url === '' ? '(native/V8)' : nm ? nm[1]! : src ? src[1]! : url;
      l = `${n.callFrame.functionName || '(anonymous)'} (${place}:${n.callFrame.lineNumber + 1})`;
      labels.set(id, l);
    }
    return l;
  };
  const stepOfNode = new Map<number, string>();
  const steps = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (label(id).startsWith('(idle)')) return;
    busyUs += dt;
    let step = stepOfNode.get(id);
    if (step === undefined) {
      step = 'other';
      for (let cur: number | undefined = id; cur !== undefined && step === 'other'; cur = parent.get(cur)) {
        const frame = label(cur);
        for (const [name, re] of STEPS) {
          if (re.test(frame)) {
            step = name;
            break;
          }
        }
      }
      stepOfNode.set(id, step);
    }
    steps.set(step, (steps.get(step) ?? 0) + dt);
  });
  return { steps, busyUs };
}
