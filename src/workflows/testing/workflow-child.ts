/**
 * A child process for the crash test: runs the workflow runtime over the store given as argv[2] (`sqlite:<file>`
 * or `postgres:<schema>` in the test database) on a fake
 * clock that starts at argv[3] and steps to argv[4] by 10 s, printing `sent <id> <profile> <step> <due>` for every
 * webhook it performs (synchronous pipe writes on Linux: a printed line was delivered), until it is killed.
 */
import { FakeClock } from '../../core/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import { openPostgresStore, openSqliteStore } from '../../store/index.js';
import { testDatabaseUrl } from '../../store/testing/index.js';
import { WorkflowRuntime } from '../workflow-runtime.js';

const [target = '', from, to] = process.argv.slice(2);
const store = target.startsWith('postgres:')
  ? await openPostgresStore({ url: testDatabaseUrl(), schema: target.slice('postgres:'.length), poolSize: 4 })
  : await openSqliteStore({ file: target.slice('sqlite:'.length) });
const clock = new FakeClock(Number(from));
const runtime = new WorkflowRuntime({
  store,
  clock,
  changeLog: new SqlChangeLog(store.sql),
  segments: { list: () => Promise.resolve([]) },
  batchSize: 40,
  sender: { batchSize: 25 },
  ports: {
    webhook: (_ws, _dest, m) => {
      process.stdout.write(`sent ${m.id} ${m.payload.data.profile.id} ${m.payload.data.step.id} ${m.payload.data.at}\n`);
      return Promise.resolve({ ok: true });
    },
    setTraits: () => Promise.resolve({ ok: true }),
  },
});
while (clock.now() < Number(to)) {
  clock.advance(10_000);
  for (;;) {
    const pass = await runtime.pass();
    if (pass.changes + pass.events + pass.timers + pass.sent === 0) break;
  }
}
await store.close();
process.stdout.write('done\n');
