/**
 * @module
 * Ingestion at the storage limit: in ONE run, the raw write limit of each store on this machine (the rows a
 * segflow server writes for the bench's track events, written by a bare loop with nothing else in the process)
 * and HTTP ingestion through `segflow serve`, printed as a fraction of that limit. SQLite: a bare better-sqlite3
 * loop with segflow's pragmas, the server's INSERT statement and its group size (1,000 rows per transaction).
 * PostgreSQL: a bare `pg` multi-row INSERT of 1,000 rows per statement, then ingestion through one and through
 * two `segflow serve --database-url …` processes on one database. The machine and its other load are the same
 * for the limit and for the server, so the fraction is far steadier than either absolute figure.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { configureSqlite, openPostgresStore, openSqliteStore, synchronousFromEnv } from '../../src/store/index.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from '../../src/store/testing/create-test-postgres-store.js';
import { batchBody, cpuSecondsOf, load, writeKeyAuth, type LoadResult } from '../support/http-load.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { quantile } from '../support/stats.js';
import type { BenchRow, Workload } from '../workload.js';

const INSERT_COLUMNS =
  'workspace_id, message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at, properties, traits, context';
/** Rows per transaction (SQLite) or per statement (PostgreSQL): the ingestion write queue's group size. */
const GROUP = 1_000;
/** HTTP clients, as in `ingest-http`. */
const CLIENTS = 16;

/**
 * The profile id of bench user `u`, shaped as the server makes them (`newProfileId`): a creation-time prefix that
 * grows with first sight (users appear in order 0, 1, 2, … here), then random-looking characters. The
 * (workspace, profile, seq) index thus takes a first-seen user's events at its right edge and a returning user's
 * at a scattered position, as it does under ingestion.
 */
const profileIdOf = (u: number): string =>
  `prof_${(1_780_000_000_000 + u).toString(36).padStart(9, '0')}${createHash('md5').update(`user-${u}`).digest('base64url').slice(0, 13)}`;

/** The 12 column values of bench event `i`, shaped as the server stores the bench's track messages. */
function eventRow(run: string, i: number): unknown[] {
  const now = Date.now();
  return [
    'default',
    `raw-${run}-${i}`,
    profileIdOf(i % 50_000),
    'track',
    i % 3 === 0 ? 'Product Added' : 'Product Viewed',
    `user-${i % 50_000}`,
    null,
    now,
    now,
    JSON.stringify({ product_id: `p-${i % 1000}`, price: 19.99 }),
    '{}',
    '{}',
  ];
}

/** Rows per second a bare better-sqlite3 loop writes into a freshly migrated segflow database file. */
async function rawSqlite(rows: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-raw-'));
  const file = join(dir, 'raw.db');
  try {
    await (await openSqliteStore({ file })).close();
    const db = new Database(file);
    configureSqlite(db, { synchronous: synchronousFromEnv() });
    const insert = db.prepare(
      `INSERT INTO events (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, message_id) DO NOTHING RETURNING seq`,
    );
    const data = Array.from({ length: rows }, (_, i) => eventRow('s', i));
    const writeGroup = db.transaction((group: unknown[][]) => {
      for (const r of group) insert.get(...r);
    });
    const started = performance.now();
    for (let i = 0; i < rows; i += GROUP) writeGroup(data.slice(i, i + GROUP));
    const seconds = (performance.now() - started) / 1000;
    db.close();
    return rows / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows per second a bare `pg` client writes with multi-row INSERTs into a freshly migrated schema. */
async function rawPostgres(url: string, rows: number): Promise<number> {
  const schema = randomSchemaName();
  try {
    await (await openPostgresStore({ url, schema, poolSize: 1 })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      // The partitioned log (migration 0110) also stores each row's partition and its gap-free position in it:
      // one partition here, numbered by the loop, as a single writer would.
      const placeholders = Array.from(
        { length: GROUP },
        (_, r) => `(${Array.from({ length: 14 }, (_, c) => `$${r * 14 + c + 1}${c >= 9 && c <= 11 ? '::jsonb' : ''}`).join(', ')})`,
      ).join(', ');
      const statement = `INSERT INTO events (${INSERT_COLUMNS}, part, part_seq) VALUES ${placeholders}
        ON CONFLICT (workspace_id, message_id) DO NOTHING RETURNING seq`;
      const groups = Array.from({ length: Math.ceil(rows / GROUP) }, (_, g) =>
        Array.from({ length: GROUP }, (_, r) => [...eventRow('p', g * GROUP + r), 0, g * GROUP + r + 1]).flat(),
      );
      const started = performance.now();
      for (const params of groups) await client.query(statement, params);
      return (groups.length * GROUP) / ((performance.now() - started) / 1000);
    } finally {
      await client.end();
    }
  } finally {
    await dropSchema(url, schema).catch(() => {});
  }
}

/** One ingestion phase: the load result and the CPU the servers' processes and main threads spent in it. */
interface Phase {
  readonly result: LoadResult;
  readonly cpuSeconds: number;
  readonly mainThreadCpuSeconds: number;
}

const sum = (values: ReadonlyArray<number | undefined>): number => values.reduce<number>((a, v) => a + (v ?? Number.NaN), 0);

/** Batched HTTP ingestion against `servers` (after a short warm-up), `CLIENTS` clients spread over them. */
async function ingestThrough(servers: readonly ServerProcess[], seconds: number): Promise<Phase> {
  const auth = writeKeyAuth(servers[0]!.writeKey);
  const urls = servers.map((s) => s.url);
  await load(urls, '/v1/batch', auth, (i) => batchBody(-1 - i), 100, 8, 2);
  const pids = servers.map((s) => s.child.pid);
  const cpu = (): number => sum(pids.map((pid) => cpuSecondsOf(pid)));
  const main = (): number => sum(pids.map((pid) => cpuSecondsOf(pid, pid)));
  const [cpu0, main0] = [cpu(), main()];
  const result = await load(urls, '/v1/batch', auth, (i) => batchBody(i), 100, CLIENTS, seconds);
  return { result, cpuSeconds: cpu() - cpu0, mainThreadCpuSeconds: main() - main0 };
}

/** The rows of one ingestion phase: events/s, ack p99, its fraction of the raw limit, and CPU per event. */
function ingestRows(label: string, phase: Phase, limit: number, limitLabel: string, target?: { rate: number; p99: number }): BenchRow[] {
  const { result } = phase;
  const rate = result.events / result.seconds;
  const p99 = quantile(result.latenciesMs, 0.99);
  const note = `${CLIENTS} clients, batches of 100, ${result.failures} non-200`;
  return [
    {
      workload: 'ingest-limit',
      metric: `${label}: events/s`,
      value: rate,
      unit: 'events/s',
      target: target ? `≥ ${target.rate.toLocaleString('en-US')}` : '',
      ...(target ? { met: rate >= target.rate } : {}),
      note,
    },
    { workload: 'ingest-limit', metric: `${label}: ack p99`, value: p99, unit: 'ms', target: target ? `≤ ${target.p99}` : '', ...(target ? { met: p99 <= target.p99 } : {}), note: '' },
    {
      workload: 'ingest-limit',
      metric: `${label}: fraction of the raw limit`,
      value: (100 * rate) / limit,
      unit: '%',
      target: '',
      note: `of ${Math.round(limit).toLocaleString('en-US')} rows/s (${limitLabel}, same run)`,
    },
    {
      workload: 'ingest-limit',
      metric: `${label}: events per server CPU-second`,
      value: result.events / phase.cpuSeconds,
      unit: 'events/CPU-s',
      target: '',
      note: `whole server process(es); per HTTP (main) thread CPU-second: ${Math.round(result.events / phase.mainThreadCpuSeconds).toLocaleString('en-US')}`,
    },
  ];
}

/** The raw write limit of SQLite and PostgreSQL on this machine, and ingestion as a fraction of it. */
export const ingestLimit: Workload = {
  name: 'ingest-limit',
  description: 'raw store write limits (bare better-sqlite3 loop, bare pg multi-row INSERT) and HTTP ingestion as a fraction of them; PostgreSQL with 1 and 2 servers',
  async run({ quick }) {
    const seconds = quick ? 5 : 15;
    const rawRows = quick ? 50_000 : 200_000;
    const rows: BenchRow[] = [];

    const sqliteLimit = await rawSqlite(rawRows);
    rows.push({
      workload: 'ingest-limit',
      metric: 'SQLite raw limit: bare better-sqlite3 loop',
      value: sqliteLimit,
      unit: 'rows/s',
      target: '',
      note: `${rawRows.toLocaleString('en-US')} event rows, the server's INSERT … RETURNING seq, ${GROUP} rows per transaction, segflow's pragmas (synchronous ${synchronousFromEnv()})`,
    });
    // The default (writer thread) and SEGFLOW_INGEST_WRITER=inline (everything on the HTTP thread), same run.
    for (const writer of ['thread', 'inline'] as const) {
      const server = await startServerProcess({ SEGFLOW_INGEST_WRITER: writer });
      try {
        const label = `SQLite, ${writer === 'thread' ? 'writer thread' : 'in-thread writer'}`;
        rows.push(...ingestRows(label, await ingestThrough([server], seconds), sqliteLimit, 'bare better-sqlite3', { rate: 50_000, p99: 20 }));
      } finally {
        await server.stop();
      }
    }

    const url = testDatabaseUrl();
    const pgLimit = await rawPostgres(url, rawRows);
    rows.push({
      workload: 'ingest-limit',
      metric: 'PostgreSQL raw limit: bare pg multi-row INSERT',
      value: pgLimit,
      unit: 'rows/s',
      target: '',
      note: `${rawRows.toLocaleString('en-US')} event rows, ${GROUP} rows per INSERT, one connection, one commit per INSERT (synchronous_commit on)`,
    });
    let oneServer = Number.NaN;
    for (const processes of [1, 2]) {
      const schema = randomSchemaName();
      const servers: ServerProcess[] = [];
      try {
        // One after the other: the first applies the migrations, the next finds them applied.
        for (let k = 0; k < processes; k++) servers.push(await startServerProcess({}, `${url}?schema=${schema}`));
        const result = await ingestThrough(servers, seconds);
        const label = `PostgreSQL, ${processes} server${processes > 1 ? 's' : ''}`;
        rows.push(...ingestRows(label, result, pgLimit, 'bare pg multi-row INSERT'));
        const rate = result.result.events / result.result.seconds;
        if (processes === 1) oneServer = rate;
        else
          rows.push({
            workload: 'ingest-limit',
            metric: 'PostgreSQL: 2 servers / 1 server',
            value: rate / oneServer,
            unit: '×',
            target: '> 1.5',
            met: rate / oneServer > 1.5,
            note: 'a second `segflow serve --database-url` on the same database; both servers and the client share the 2 cores',
          });
      } finally {
        for (const s of servers) await s.stop();
        await dropSchema(url, schema).catch(() => {});
      }
    }
    return rows;
  },
};
