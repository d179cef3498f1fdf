/**
 * @module
 * Several processes on one PostgreSQL (issue 12 point 4): the 20 benchmark segments evaluated by 1 and then 2
 * cluster processes (each a separate OS process running one engine per partition of its share), with the events
 * appended by this process straight to the store, one transaction per partition slice, four writers at once; and
 * the hand-over time of a `kill -9`ed process's partitions. Every figure is wall time on the shared machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { systemClock } from '../../src/core/index.js';
import type { NewEvent } from '../../src/core/index.js';
import { ClusterWorker, EngineSegmentService } from '../../src/engine/index.js';
import { SqlChangeLog } from '../../src/membership/index.js';
import { openPostgresStore, partitionOf } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { BENCH_SEGMENTS, EventGenerator } from '../generator.js';
import type { Workload } from '../workload.js';
import { BENCH_WS } from './engine-setup.js';

const ROOT = join(import.meta.dirname, '../..');
const URL = process.env.SEGFLOW_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LEASE_MS = 2000;

interface Child {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
}

function startChild(schema: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/support/cluster-child.ts'), URL, schema, String(LEASE_MS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
    });
    child.once('exit', (code) => reject(new Error(`cluster child exited with ${code}`)));
  });
  return { process: child, ready };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Live partition leases by holder. */
async function holders(store: Store): Promise<Map<string, number>> {
  const rows = await store.sql.query<{ holder: string; n: unknown }>(
    "SELECT holder, COUNT(*) AS n FROM engine_leases WHERE name LIKE 'engine:p%' AND expires_at >= $1 GROUP BY holder",
    [Date.now()],
  );
  return new Map(rows.map((r) => [r.holder, Number(r.n)]));
}

/** Whether every partition's cursor has reached the partition's newest event. */
async function caughtUp(store: Store): Promise<boolean> {
  const rows = await store.sql.query<{ behind: unknown }>(
    `SELECT COUNT(*) AS behind FROM (SELECT part, MAX(seq) AS top FROM events GROUP BY part) e
     LEFT JOIN engine_cursors c ON c.name = 'engine:p' || e.part
     WHERE COALESCE(c.seq, 0) < e.top`,
  );
  return Number(rows[0]?.behind ?? 1) === 0;
}

async function freshSchema(name: string): Promise<Store> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await client.end();
  const store = await openPostgresStore({ url: URL, schema: name, poolSize: 6 });
  await store.workspaces.create({ id: BENCH_WS, name: 'bench', createdAt: Date.now() });
  // Saved through the segment service with a cluster process that is not started: rows only, as an API process does.
  const service = new EngineSegmentService(store, new ClusterWorker({ store, clock: systemClock }), new SqlChangeLog(store.sql));
  for (const s of BENCH_SEGMENTS) {
    const r = await service.create(BENCH_WS, { name: s.name, rule: s.rule, group: s.group ?? null, priority: s.priority ?? 0 });
    if (!r.ok) throw new Error(`bench segment ${s.name}: ${JSON.stringify(r.error)}`);
  }
  return store;
}

async function dropSchema(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await client.end();
}

/** Appends events split by partition, `writers` transactions at once: appends to different partitions do not wait. */
async function appendPartitioned(store: Store, events: readonly NewEvent[], partitions: number, writers: number): Promise<void> {
  const slices: NewEvent[][] = [];
  for (let i = 0; i < events.length; i += 4000) {
    const byPart = new Map<number, NewEvent[]>();
    for (const e of events.slice(i, i + 4000)) {
      const p = partitionOf(e.profileId, partitions);
      byPart.set(p, [...(byPart.get(p) ?? []), e]);
    }
    slices.push(...byPart.values());
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < slices.length) {
        const slice = slices[next++] as NewEvent[];
        await store.transaction((tx) => tx.events.append(slice));
      }
    }),
  );
}

function generate(total: number, profiles: number, seed: number): NewEvent[] {
  const gen = new EventGenerator({ seed, profiles, workspaceId: BENCH_WS });
  const now = Date.now();
  return Array.from({ length: total }, (_, i) => gen.next(now - total + i));
}

/** Ingest + evaluate with `n` processes; returns events/s and the append-only rate. */
async function run(n: number, total: number, profiles: number): Promise<{ rate: number; appendRate: number; changes: number }> {
  const schema = `bench_cluster_${n}_${process.pid}`;
  const store = await freshSchema(schema);
  const children: Child[] = [];
  try {
    for (let i = 0; i < n; i++) children.push(startChild(schema));
    await Promise.all(children.map((c) => c.ready));
    const partitions = await store.events.partitions();
    // Wait until the processes hold every partition in fair shares.
    for (;;) {
      const h = await holders(store);
      if (h.size === n && [...h.values()].reduce((a, b) => a + b, 0) === partitions) break;
      await sleep(100);
    }
    const events = generate(total, profiles, 7 + n);
    const started = performance.now();
    await appendPartitioned(store, events, partitions, 4);
    const appended = performance.now();
    while (!(await caughtUp(store))) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    const changes = await new SqlChangeLog(store.sql).head();
    return { rate: total / seconds, appendRate: total / ((appended - started) / 1000), changes };
  } finally {
    for (const c of children) c.process.kill('SIGKILL');
    await store.close();
    await dropSchema(schema);
  }
}

/** Time from `kill -9` of one of two processes until the other holds all partitions. */
async function handOver(): Promise<number> {
  const schema = `bench_handover_${process.pid}`;
  const store = await freshSchema(schema);
  const children = [startChild(schema), startChild(schema)];
  try {
    await Promise.all(children.map((c) => c.ready));
    const partitions = await store.events.partitions();
    for (;;) {
      const h = await holders(store);
      if (h.size === 2 && [...h.values()].reduce((a, b) => a + b, 0) === partitions) break;
      await sleep(50);
    }
    const killed = children[0] as Child;
    const exited = new Promise((r) => killed.process.once('exit', r));
    killed.process.kill('SIGKILL');
    await exited;
    const t0 = performance.now();
    for (;;) {
      const h = await holders(store);
      if (h.size === 1 && [...h.values()][0] === partitions) break;
      await sleep(20);
    }
    return performance.now() - t0;
  } finally {
    for (const c of children) c.process.kill('SIGKILL');
    await store.close();
    await dropSchema(schema);
  }
}

/** PostgreSQL ingest + evaluate with 1 and 2 processes, and partition hand-over after kill -9. */
export const clusterPostgres: Workload = {
  name: 'cluster-postgres',
  description: 'PostgreSQL: ingest + evaluate with 1 and 2 cluster processes (16 partitions); partition hand-over after kill -9',
  async run({ quick }) {
    const total = quick ? 20_000 : 100_000;
    const profiles = quick ? 5_000 : 50_000;
    const one = await run(1, total, profiles);
    const two = await run(2, total, profiles);
    const handOverMs = await handOver();
    const note = `${total.toLocaleString('en-US')} events, ${profiles.toLocaleString('en-US')} profiles (Zipf), 20 segments, 16 partitions; appended by 4 writers one partition slice per transaction, wall time until every partition's cursor reached its head; 2 cores shared by the writers, the engines and PostgreSQL`;
    return [
      { workload: 'cluster-postgres', metric: 'ingest + evaluate, 1 process', value: one.rate, unit: 'events/s', target: '', note: `${note}; ${one.changes.toLocaleString('en-US')} changes` },
      {
        workload: 'cluster-postgres',
        metric: 'ingest + evaluate, 2 processes',
        value: two.rate,
        unit: 'events/s',
        target: '> 1 process',
        met: two.rate > one.rate,
        note: `${(two.rate / one.rate).toFixed(2)}× one process; ${two.changes.toLocaleString('en-US')} changes`,
      },
      { workload: 'cluster-postgres', metric: 'append only (4 writers, partitioned)', value: Math.max(one.appendRate, two.appendRate), unit: 'events/s', target: '', note: 'the better of the two runs; the engines run at the same time' },
      {
        workload: 'cluster-postgres',
        metric: 'partition hand-over after kill -9',
        value: handOverMs,
        unit: 'ms',
        target: `≤ ${(LEASE_MS * 5) / 3} (lease + heartbeat)`,
        met: handOverMs <= (LEASE_MS * 5) / 3,
        note: `lease ${LEASE_MS} ms, heartbeat every third; from the kill until the survivor holds all 16 partitions`,
      },
    ];
  },
};
