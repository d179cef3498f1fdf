import { describe, expect, it } from 'vitest';
import { appendAndReport } from './append-and-report.js';
import type { JobOutcome } from './group-job.js';
import { MergeLog } from './merge-log.js';
import { eventOf, type PendingEvent } from './resolve-messages.js';
import { groupJob } from './testing/group-jobs.js';
import { MemoryStore } from './testing/memory-store.js';

const T = Date.UTC(2026, 5, 1);

describe('appendAndReport', () => {
  it('appends events on the surviving profile and reports each as accepted with its seq, or as a duplicate', async () => {
    const store = new MemoryStore();
    const job = groupJob(
      'ws_a',
      [
        { type: 'track', anonymousId: 'a1', event: 'A', messageId: 'm1' },
        { type: 'track', userId: 'u1', event: 'B', messageId: 'm2' },
      ],
      T,
    );
    const pending: PendingEvent[] = [
      { job: 0, prepared: job.prepared[0]!, ...eventOf(job, job.prepared[0]!, 'prof_anon') },
      { job: 0, prepared: job.prepared[1]!, ...eventOf(job, job.prepared[1]!, 'prof_user') },
    ];
    // Another writer stored m2 meanwhile: the append reports it as a duplicate.
    await store.events.append([{ ...pending[1]!.event, profileId: 'prof_other' }]);
    const merges = new MergeLog();
    merges.record('prof_anon', 'prof_user');
    const outcomes: JobOutcome[] = [new Map()];
    const lastSeq = await appendAndReport(store.events, pending, merges, outcomes);
    expect(lastSeq).toBe(2);
    expect(outcomes[0]!.get(0)).toEqual({ outcome: 'accepted', type: 'track', messageId: 'm1', profileId: 'prof_user', seq: 2, warnings: [] });
    expect(outcomes[0]!.get(1)).toEqual({ outcome: 'duplicate', type: 'track', messageId: 'm2' });
    expect((await store.events.readLog(1, 10)).map((e) => e.profileId)).toEqual(['prof_user']);
  });

  it('appends nothing and reports seq 0 for an empty group', async () => {
    const store = new MemoryStore();
    expect(await appendAndReport(store.events, [], new MergeLog(), [])).toBe(0);
    expect(await store.events.headSeq()).toBe(0);
  });
});
