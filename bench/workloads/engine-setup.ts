/**
 * @module
 * Shared set-up of the engine benchmarks: a fresh embedded SQLite store in a temporary directory (configured as
 * in production), the 20 benchmark segments saved through the segment service, and an engine on a fake clock
 * (event time is simulated; every figure is measured in wall time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { FakeClock } from '../../src/core/index.js';
import type { Clock, NewEvent } from '../../src/core/index.js';
import { Engine, EngineSegmentService } from '../../src/engine/index.js';
import { SqlChangeLog } from '../../src/membership/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { BENCH_SEGMENTS } from '../generator.js';

/** The workspace every engine benchmark writes to. */
export const BENCH_WS = 'ws_bench';
/** The simulated start instant. */
export const BENCH_T0 = Date.UTC(2026, 0, 1);

/** A store, an engine and the segment service, with a disposer. */
export interface EngineBench {
  readonly store: Store;
  readonly clock: Clock;
  readonly engine: Engine;
  readonly service: EngineSegmentService;
  readonly changeLog: SqlChangeLog;
  dispose(): Promise<void>;
}

/** Opens a fresh store with the 20 segments (unless `segments: false`) and a started engine. */
export async function openEngineBench(
  options: { clock?: Clock; segments?: boolean; cacheCapacity?: number; cacheBytes?: number } = {},
): Promise<EngineBench> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const store = await openSqliteStore({ file: join(dir, 'bench.db') });
  await store.workspaces.create({ id: BENCH_WS, name: 'bench', createdAt: BENCH_T0 });
  const clock = options.clock ?? new FakeClock(BENCH_T0);
  const changeLog = new SqlChangeLog(store.sql);
  const engine = new Engine({
    store,
    clock,
    changeLog,
    batchSize: Number(process.env.BENCH_BATCH ?? 2000),
    tailIntervalMs: 0,
    cacheCapacity: options.cacheCapacity ?? 2_000_000,
    ...(options.cacheBytes === undefined ? {} : { cacheBytes: options.cacheBytes }),
  });
  await engine.start();
  const service = new EngineSegmentService(store, engine, changeLog);
  if (options.segments !== false) {
    for (const s of BENCH_SEGMENTS) {
      const r = await service.create(BENCH_WS, { name: s.name, rule: s.rule, group: s.group ?? null, priority: s.priority ?? 0 });
      if (!r.ok) throw new Error(`bench segment ${s.name}: ${JSON.stringify(r.error)}`);
    }
  }
  return {
    store,
    clock,
    engine,
    service,
    changeLog,
    async dispose() {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Appends events in transactions of `batch`. */
export async function appendAll(store: Store, events: readonly NewEvent[], batch = 2000): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const slice = events.slice(i, i + batch);
    await store.transaction((tx) => tx.events.append(slice));
  }
}

/** The q-quantile of a sample (sorts a copy). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

let gcFn: (() => void) | undefined;

/**
 * Runs a full garbage collection (twice, so that objects freed by finalisers go too) and returns the heap in use
 * plus ArrayBuffer backing stores (typed arrays keep their data off the V8 heap; counting both keeps a typed-array
 * layout from looking smaller than it is). `--expose-gc` is switched on at run time, so `npm run bench` needs no
 * node flag.
 */
export function heapAfterGc(): number {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
