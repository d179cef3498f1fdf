/**
 * @module
 * ESP list sync against the local fake SendGrid, Mailchimp and Klaviyo servers (real HTTP on 127.0.0.1, every
 * request validated against the provider's official OpenAPI definition, asynchronous jobs polled): members
 * synced per second with the fake enforcing a rate limit (429 + Retry-After beyond it), change → first ESP
 * request latency p50/p99, and an initial sync of a large existing segment. Embedded SQLite, worker on the
 * system clock, job polls every 200 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/index.js';
import type { DestinationInput } from '../../src/destinations/index.js';
import { DeliveryHarness, FakeKlaviyo, FakeMailchimp, FakeSendGrid, type FakeEspServer } from '../../src/destinations/testing/index.js';
import { MembershipRepoSql } from '../../src/membership/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { quantile } from '../support/stats.js';
import type { BenchRow, Workload } from '../workload.js';

const LIST = '0b0d1f9e-7c47-4f2a-9f38-0a8f2d3c4b5e';
const RATE_LIMIT = 20;

interface Esp {
  readonly kind: 'sendgrid' | 'mailchimp' | 'klaviyo';
  start(): Promise<FakeEspServer>;
  input(f: FakeEspServer): Partial<DestinationInput>;
  count(f: FakeEspServer): number;
}

const esps: readonly Esp[] = [
  { kind: 'sendgrid', start: () => FakeSendGrid.start(), input: (f) => ({ kind: 'sendgrid', apiKey: (f as FakeSendGrid).apiKey, list: LIST }), count: (f) => (f as FakeSendGrid).listMembers(LIST).length },
  { kind: 'mailchimp', start: () => FakeMailchimp.start(), input: (f) => ({ kind: 'mailchimp', apiKey: (f as FakeMailchimp).apiKey, list: 'aud1' }), count: (f) => (f as FakeMailchimp).tagged('aud1', 'Bench').length },
  { kind: 'klaviyo', start: () => FakeKlaviyo.start(), input: (f) => ({ kind: 'klaviyo', apiKey: (f as FakeKlaviyo).apiKey, list: 'Y6nRLr' }), count: (f) => (f as FakeKlaviyo).listMembers('Y6nRLr').length },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (polling the fake's state every 20 ms: a benchmark, not a test) until `done` or `limitMs` passes. */
async function until(done: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

async function withHarness<T>(fn: (h: DeliveryHarness) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-esp-'));
  const store = await openSqliteStore({ file: join(dir, 'bench.db') });
  const h = await DeliveryHarness.create(store, {
    clock: systemClock,
    connect: { polling: { sleep, intervalMs: 200, maxPolls: 3_000 } },
    worker: { policy: { maxAttempts: 1_000 } },
  });
  try {
    return await fn(h);
  } finally {
    await h.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Profiles with an email (not timed). */
async function profiles(h: DeliveryHarness, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await h.profile({ email: `${prefix}${i}@example.com` }));
  return ids;
}

/** Enters the profiles into `segmentId` in one change-log write, as a large segment edit would. */
async function enter(h: DeliveryHarness, segmentId: string, ids: readonly string[]): Promise<void> {
  const now = h.clock.now();
  const writes = ids.map((profileId) => ({ workspaceId: h.workspaceId, segmentId, profileId, segmentVersion: 1, kind: 'entered' as const, at: now, cause: { kind: 'timer' as const } }));
  const seq = await new MembershipRepoSql(h.store.sql).record(writes, now);
  h.changeLog.notifyAppended(seq);
}

/** The ESP sync workload. */
export const espSync: Workload = {
  name: 'esp-sync',
  description: `members synced/s per fake ESP under a ${RATE_LIMIT} req/s rate limit, change → ESP request latency, initial sync`,
  async run({ quick }) {
    const rows: BenchRow[] = [];
    const n = quick ? 500 : 2_000;
    const samples = quick ? 30 : 100;
    for (const esp of esps) {
      await withHarness(async (h) => {
        const fake = await esp.start();
        try {
          fake.rateLimit = { perSecond: RATE_LIMIT };
          const segment = h.segments.add(h.workspaceId, 'Bench');
          await h.destination({ name: esp.kind, url: undefined, baseUrl: fake.origin, segments: [segment.id], initialSync: false, ...esp.input(fake) } as DestinationInput);
          h.worker.start();
          const people = await profiles(h, n, 'sync');
          const t0 = performance.now();
          await enter(h, segment.id, people);
          const complete = await until(() => esp.count(fake) >= n, 600_000);
          const seconds = (performance.now() - t0) / 1000;
          const limited = fake.requests.filter((r) => r.operationId !== undefined).length;
          rows.push({
            workload: `esp-sync ${esp.kind}`,
            metric: 'members synced/s',
            value: complete ? n / seconds : Number.NaN,
            unit: 'members/s',
            target: '',
            note: `${n} entries at once, fake limit ${RATE_LIMIT} req/s, ${limited} requests (${fake.requests.filter((r) => r.operationId === undefined).length} unmatched), ${fake.violations.length} spec violations`,
          });

          fake.rateLimit = undefined;
          const latencies: number[] = [];
          for (let i = 0; i < samples; i++) {
            const id = await h.profile({ email: `latency${i}@example.com` });
            const before = fake.requests.length;
            const start = performance.now();
            await h.change({ segmentId: segment.id, profileId: id, kind: 'entered' });
            await fake.waitForRequests(before + 1);
            latencies.push(performance.now() - start);
            await until(() => esp.count(fake) >= n + i + 1, 30_000);
          }
          rows.push({ workload: `esp-sync ${esp.kind}`, metric: 'change → ESP request p50', value: quantile(latencies, 0.5), unit: 'ms', target: '' });
          rows.push({ workload: `esp-sync ${esp.kind}`, metric: 'change → ESP request p99', value: quantile(latencies, 0.99), unit: 'ms', target: '', note: `${samples} sequential changes` });
        } finally {
          await fake.close();
        }
      });
    }

    // Initial sync of a large existing segment (SendGrid: 30,000 contacts per upsert allowed; the worker batches 5,000).
    const big = quick ? 10_000 : 100_000;
    await withHarness(async (h) => {
      const fake = await FakeSendGrid.start();
      try {
        const segment = h.segments.add(h.workspaceId, 'Bench');
        await enter(h, segment.id, await profiles(h, big, 'init'));
        h.worker.start();
        const t0 = performance.now();
        const created = await h.service.create(h.workspaceId, { name: 'initial', segments: [segment.id], baseUrl: fake.origin, kind: 'sendgrid', apiKey: fake.apiKey, list: LIST });
        const queued = performance.now();
        const complete = await until(() => fake.listMembers(LIST).length >= big, 1_800_000);
        const seconds = (performance.now() - t0) / 1000;
        rows.push({
          workload: 'esp-sync initial sync',
          metric: `${big.toLocaleString('en-US')} members to SendGrid`,
          value: complete && created.ok ? seconds : Number.NaN,
          unit: 's',
          target: '',
          note: `queueing ${((queued - t0) / 1000).toFixed(1)} s, then ${fake.calls('UpdateContact').length} upserts; ${fake.violations.length} spec violations`,
        });
      } finally {
        await fake.close();
      }
    });
    return rows;
  },
};
