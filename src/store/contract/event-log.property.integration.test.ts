import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { NewEvent } from '../../core/index.js';
import { describeEachStore } from '../testing/index.js';
import { makeEvent } from './event-fixture.js';

/** One append call: events drawn from small pools so that duplicates and shared profiles are common. */
const batchArb = fc.array(
  fc.record({
    message: fc.integer({ min: 0, max: 30 }),
    profile: fc.constantFrom('prof_a', 'prof_b', 'prof_c'),
    timestamp: fc.integer({ min: 0, max: 20 }),
    name: fc.constantFrom('Viewed', 'Added', 'Bought'),
  }),
  { minLength: 1, maxLength: 12 },
);

describeEachStore('event log against a model', (getStore) => {
  it('matches a list that keeps the first occurrence of each messageId, for any sequence of batches', async () => {
    const store = getStore();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 6 }), async (batches) => {
        // Each run uses its own workspace, so runs share the store without seeing each other.
        const ws = `ws_run_${run++}`;
        const model: NewEvent[] = [];
        for (const batch of batches) {
          const events = batch.map((b) =>
            makeEvent({ workspaceId: ws, messageId: `m${b.message}`, profileId: b.profile, timestamp: b.timestamp, name: b.name }),
          );
          const result = await store.transaction((tx) => tx.events.append(events));
          const expectedNew: NewEvent[] = [];
          const expectedDuplicates: string[] = [];
          for (const e of events) {
            if ([...model, ...expectedNew].some((m) => m.messageId === e.messageId)) expectedDuplicates.push(e.messageId);
            else expectedNew.push(e);
          }
          model.push(...expectedNew);
          expect(result.inserted.map((e) => e.messageId)).toEqual(expectedNew.map((e) => e.messageId));
          expect(result.duplicates).toEqual(expectedDuplicates);
        }

        const log = (await store.events.readLog(0, 100_000)).filter((e) => e.workspaceId === ws);
        expect(log.map(({ seq: _seq, ...e }) => e)).toEqual(model);
        expect(await store.events.count(ws)).toBe(model.length);

        for (const profile of ['prof_a', 'prof_b', 'prof_c']) {
          const mine = log.filter((e) => e.profileId === profile);
          const history = await store.events.historyOf(ws, profile);
          expect(history).toEqual([...mine].sort((x, y) => x.timestamp - y.timestamp || x.seq - y.seq));
          // Paging newest-first by seq, two at a time, visits every event once.
          const paged: number[] = [];
          for (let before: number | undefined; ; ) {
            const page = await store.events.listByProfile(ws, profile, { limit: 2, beforeSeq: before });
            if (page.length === 0) break;
            paged.push(...page.map((e) => e.seq));
            before = page.at(-1)!.seq;
          }
          expect(paged).toEqual(mine.map((e) => e.seq).reverse());
        }
      }),
      { numRuns: 25, seed: 20261128 },
    );
  });
});
