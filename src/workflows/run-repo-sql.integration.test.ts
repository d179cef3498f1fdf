import { expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { NEVER } from './re-entry.js';
import { RunRepoSql } from './run-repo-sql.js';
import { WorkflowHarness } from './testing/workflow-harness.js';
import { WorkflowRuntime } from './workflow-runtime.js';

describeEachStore('workflow re-entry guard', (getStore) => {
  it('five concurrent entries of the same person and key: exactly one is admitted', async () => {
    const store = getStore();
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => store.transaction((tx) => new RunRepoSql(tx.sql).tryEnter('wf_1', 'p1', '', `run_${i}`, 1_000, NEVER))),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
  });

  it('admits again only once the blocking instant has passed', async () => {
    const repo = new RunRepoSql(getStore().sql);
    expect(await repo.tryEnter('wf_1', 'p1', 'k', 'run_1', 1_000, NEVER)).toBe(true);
    await repo.release('wf_1', 'p1', 'k', 5_000);
    expect(await repo.tryEnter('wf_1', 'p1', 'k', 'run_2', 4_999, NEVER)).toBe(false);
    expect(await repo.tryEnter('wf_1', 'p1', 'k', 'run_3', 5_000, NEVER)).toBe(true);
    expect(await repo.tryEnter('wf_1', 'p1', 'other', 'run_4', 5_000, NEVER)).toBe(true);
  });

  it('five duplicate triggers processed by five concurrent runtimes start exactly one run', async () => {
    const h = new WorkflowHarness(getStore());
    await h.start();
    try {
      await h.workflow(`
name: once
trigger: { event: Signed Up }
steps: [{ id: w, wait: 1h }, { id: hi, webhook: mail }]
`);
      await h.runtime.stop();
      // Five events for the same person, committed before any runtime reads them.
      for (let i = 0; i < 5; i++) {
        await h.ingest.ingest('ws_default', [{ type: 'track', userId: 'u1', event: 'Signed Up', messageId: `dup-${i}` }], { receivedAt: h.clock.now(), source: 'test' });
      }
      const runtimes = [1, 2, 3, 4, 5].map(() => new WorkflowRuntime({ store: h.store, changeLog: h.changeLog, clock: h.clock, segments: h.segments, ports: h.ports }));
      await Promise.all(runtimes.map((r) => r.pass()));
      await Promise.all(runtimes.map((r) => r.pass()));
      const rows = await h.store.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM workflow_runs');
      expect(Number(rows[0]?.n)).toBe(1);
      h.clock.advance(3_600_000);
      await Promise.all(runtimes.map((r) => r.pass()));
      await Promise.all(runtimes.map((r) => r.pass()));
      expect(h.ports.sent).toHaveLength(1);
    } finally {
      await h.engine.stop();
    }
  });
});
