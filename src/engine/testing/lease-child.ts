/**
 * A child process for the lease test: runs an engine on the real clock over the PostgreSQL schema given as
 * argv[3] of the database argv[2], with a lease of argv[4] ms, printing `role <role>` at each role change and
 * `changes <lastSeq>` after each commit that recorded changes, until it is killed (SIGTERM stops it cleanly).
 */
import { systemClock } from '../../core/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openPostgresStore } from '../../store/index.js';
import { Engine } from '../engine.js';

const [url, schema, ttl] = process.argv.slice(2);
const store = await openPostgresStore({ url: url as string, schema: schema as string, poolSize: 3 });
const changeLog = new SqlChangeLog(store.sql);
changeLog.onAppended((seq) => process.stdout.write(`changes ${seq}\n`));
const engine = new Engine({
  store,
  clock: systemClock,
  changeLog,
  tailIntervalMs: 20,
  lease: { ttlMs: Number(ttl) },
  onRoleChange: (role) => process.stdout.write(`role ${role}\n`),
});
await engine.start();
process.on('SIGTERM', () => {
  void engine
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
