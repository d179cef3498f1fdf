/**
 * @module
 * Erasure of one person with 100k events (SQLite, `secure_delete` on, 20 live segments, other people around):
 * the person is identified through ingestion (profile, identities), their events appended, the segments
 * backfilled over them, then
 * one `SUPPRESS_WITH_DELETE` erasure is timed from request to `completed` (exits through the engine, every
 * table, WAL checkpoint and truncation). Beside it, the time to append the same events, measured in the same run,
 * so the ratio holds on a loaded machine.
 */
import { FakeClock, type NewEvent } from '../../src/core/index.js';
import { IngestService } from '../../src/ingest/index.js';
import { ErasureService } from '../../src/privacy/index.js';
import { BENCH_SEGMENTS, EventGenerator } from '../generator.js';
import type { Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, openEngineBench } from './engine-setup.js';

const NAMES = ['Product Viewed', 'Product Added', 'Order Completed', 'Email Opened', 'Email Delivered', 'Session Ended'];

/** Erasure time for a person with 100k events (10k with --quick). */
export const privacyErasure: Workload = {
  name: 'privacy-erasure',
  description: 'erasure of one person with 100k events, from request to completed, against appending them',
  async run({ quick }) {
    const n = quick ? 10_000 : 100_000;
    const clock = new FakeClock(BENCH_T0);
    // Segments are created after the history is stored (one backfill pass): evaluating 100k events of ONE person
    // event by event is not what this measures.
    const bench = await openEngineBench({ clock, segments: false });
    try {
      const ingest = new IngestService(bench.store, { clock });
      const identified = await ingest.ingest(BENCH_WS, [{ type: 'identify', userId: 'erase-me', traits: { email: 'erase.me@example.org' } }], {
        receivedAt: BENCH_T0,
        source: 'bench',
      });
      const first = identified.results[0];
      if (first?.outcome !== 'accepted') throw new Error(`identify: ${JSON.stringify(first)}`);
      const profileId = first.profileId;
      // Other people, so the deletes run in a table that is not only theirs.
      const gen = new EventGenerator({ seed: 11, profiles: 5_000, workspaceId: BENCH_WS });
      let time = BENCH_T0;
      const others: NewEvent[] = [];
      for (let i = 0; i < n; i++) others.push(gen.next((time += 1_000)));
      await appendAll(bench.store, others, 5000);
      const theirs: NewEvent[] = [];
      for (let i = 0; i < n; i++) {
        theirs.push({
          workspaceId: BENCH_WS,
          messageId: `erase-me-${i}`,
          profileId,
          type: 'track',
          name: NAMES[i % NAMES.length] as string,
          userId: 'erase-me',
          anonymousId: null,
          timestamp: BENCH_T0 + i * 1_000,
          receivedAt: BENCH_T0 + i * 1_000,
          properties: { product_id: `p${i % 50}`, revenue: i % 100 },
          traits: {},
          context: { traits: { email: 'erase.me@example.org' } },
        });
      }
      const appendStarted = performance.now();
      await appendAll(bench.store, theirs, 5000);
      const append = (performance.now() - appendStarted) / 1000;
      clock.advanceTo(Math.max(time, BENCH_T0 + n * 1_000));
      bench.engine.wake();
      await bench.engine.idle();
      for (const seg of BENCH_SEGMENTS) {
        const created = await bench.service.create(BENCH_WS, { name: seg.name, rule: seg.rule, group: seg.group ?? null, priority: seg.priority ?? 0 });
        if (!created.ok) throw new Error(`bench segment ${seg.name}`);
      }
      const memberships = await bench.store.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM segment_members WHERE profile_id = $1', [profileId]);
      const erasures = new ErasureService({ store: bench.store, writer: bench.engine, clock });
      const started = performance.now();
      const r = await erasures.request(BENCH_WS, 'SUPPRESS_WITH_DELETE', ['email:erase.me@example.org']);
      const seconds = (performance.now() - started) / 1000;
      if (!r.ok || r.value.erasure.status !== 'completed') throw new Error(`erasure did not complete: ${JSON.stringify(r)}`);
      const left = await bench.store.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM events WHERE profile_id = $1', [profileId]);
      if (Number(left[0]?.n) !== 0) throw new Error('events left after erasure');
      return [
        {
          workload: 'privacy-erasure',
          metric: `erasure of a person with ${n.toLocaleString('en-US')} events`,
          value: seconds,
          unit: 's',
          target: '',
          note: `SQLite, secure_delete, WAL truncated; ${n.toLocaleString('en-US')} other events; ${r.value.erasure.exits} exits of ${Number(memberships[0]?.n)} memberships; request → completed`,
        },
        {
          workload: 'privacy-erasure',
          metric: 'erasure time / time to append the same events',
          value: seconds / append,
          unit: '×',
          target: '',
          note: `appending them took ${append.toFixed(2)} s in the same run (load-robust ratio)`,
        },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
