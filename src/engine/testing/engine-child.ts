/**
 * A child process for the crash test: runs an engine over the SQLite file given as argv[2] on a fake clock that
 * starts at argv[3] and steps to argv[4] by 100 ms, printing `changes <lastSeq>` after every commit, until it is
 * killed (or done).
 */
import { FakeClock } from '../../core/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openSqliteStore } from '../../store/index.js';
import { Engine } from '../engine.js';

const [file, from, to] = process.argv.slice(2);
const store = await openSqliteStore({ file: file as string });
const clock = new FakeClock(Number(from));
const changeLog = new SqlChangeLog(store.sql);
changeLog.onAppended((seq) => process.stdout.write(`changes ${seq}\n`));
const engine = new Engine({ store, clock, changeLog, batchSize: 50, tailIntervalMs: 0, lease: false });
await engine.start();
while (clock.now() < Number(to)) {
  clock.advance(100);
  engine.wake();
  await engine.idle();
}
await engine.stop();
await store.close();
process.stdout.write('done\n');
