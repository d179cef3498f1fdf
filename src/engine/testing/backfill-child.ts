/**
 * A child process for the backfill crash test: runs an engine (fake clock fixed at argv[2], no lease, slices of
 * 25 profiles) over the SQLite file argv[4] (`sqlite`) or the PostgreSQL schema argv[5] of the database argv[4]
 * (`postgres`), as argv[3] says, printing `changes <lastSeq>` after every commit that recorded changes, until its
 * backfills are done (`done`) or it is killed. `cluster` runs a cluster process instead (`ClusterWorker` with id
 * `child`, a 2 s lease, one engine per partition of the PostgreSQL schema, slices of 25 profiles).
 */
import { FakeClock } from '../../core/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openPostgresStore, openSqliteStore } from '../../store/index.js';
import { ClusterWorker } from '../cluster/cluster-worker.js';
import { Engine } from '../engine.js';

const [at, kind, target, schema] = process.argv.slice(2);
const store =
  kind === 'postgres' || kind === 'cluster'
    ? await openPostgresStore({ url: target as string, schema: schema as string, poolSize: kind === 'cluster' ? 4 : 2 })
    : await openSqliteStore({ file: target as string });
const changeLog = new SqlChangeLog(store.sql);
changeLog.onAppended((seq) => process.stdout.write(`changes ${seq}\n`));
if (kind === 'cluster') {
  const worker = new ClusterWorker({
    store,
    clock: new FakeClock(Number(at)),
    changeLog,
    processId: 'child',
    leaseMs: 2000,
    engine: { tailIntervalMs: 0, backfill: { profiles: 25 } },
  });
  await worker.start();
  await worker.settled();
  await worker.stop();
} else {
  const engine = new Engine({ store, clock: new FakeClock(Number(at)), changeLog, tailIntervalMs: 0, lease: false, backfill: { profiles: 25 } });
  await engine.start();
  await engine.idle();
  await engine.stop();
}
await store.close();
process.stdout.write('done\n');
