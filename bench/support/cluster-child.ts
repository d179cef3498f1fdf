/**
 * A benchmark child process: one cluster member (a {@link ClusterWorker} on the real clock, all roles) over the
 * PostgreSQL schema argv[3] of the database argv[2], with a lease of argv[4] ms. Prints `ready` once started and
 * `partitions <list>` whenever the set of partitions its engines run changes; SIGTERM stops it cleanly.
 */
import { systemClock } from '../../src/core/index.js';
import { ClusterWorker } from '../../src/engine/index.js';
import { SqlChangeLog } from '../../src/membership/index.js';
import { openPostgresStore } from '../../src/store/index.js';

const [url, schema, lease] = process.argv.slice(2);
const store = await openPostgresStore({ url: url as string, schema: schema as string, poolSize: 4 });
const worker = new ClusterWorker({
  store,
  clock: systemClock,
  changeLog: new SqlChangeLog(store.sql),
  leaseMs: Number(lease),
  engine: { batchSize: 2000, tailIntervalMs: 50, cacheCapacity: 2_000_000 },
  onError: (error) => process.stderr.write(`cluster child: ${String(error)}\n`),
});
await worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
