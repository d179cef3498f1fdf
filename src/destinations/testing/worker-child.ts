/**
 * @module
 * A delivery worker in its own process, for the `kill -9` test: `node --import tsx worker-child.ts <sqlite file>` opens the
 * store, serves every destination (127.0.0.1 allow-listed) on the system clock, and prints `ready`.
 */
import { systemClock } from '../../core/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openSqliteStore } from '../../store/index.js';
import { parseDestinationAllowlist } from '../destination-allowlist.js';
import { DeliveryWorker } from '../delivery-worker.js';
import { SsrfGuard } from '../ssrf-guard.js';
import { connectDestination } from '../connect-destination.js';
import { FakeSegments } from './delivery-harness.js';

const file = process.argv[2];
if (!file) throw new Error('usage: worker-child.ts <sqlite file>');
const store = await openSqliteStore({ file });
const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1') });
const worker = new DeliveryWorker({
  store,
  changeLog: new SqlChangeLog(store.sql),
  segments: new FakeSegments(),
  clock: systemClock,
  connect: (d) => connectDestination(d, { guard, clock: systemClock, polling: { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), intervalMs: 10, maxPolls: 1000 } }),
});
worker.start();
process.stdout.write('ready\n');
