/**
 * @module
 * Ingestion throughput with a tracking plan of 50 event schemas in `flag` mode against none, in the same run on
 * the same store: two workspaces, one with the plan and one without, fed alternately (A B A B …) with the same
 * messages so machine load hits both alike; the ratio is the figure that carries across machines. Beside it,
 * the validation step alone (plan lookup + Ajv validation + violation mapping) in µs per message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/index.js';
import { IngestService } from '../../src/ingest/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { TrackingPlanRepoSql, TrackingPlanScreen, TrackingPlanService } from '../../src/tracking-plan/index.js';
import type { Workload } from '../workload.js';

const EVENTS = 50;
const eventName = (i: number): string => `Plan Event ${i % EVENTS}`;

const schemaOf = (i: number) => ({
  type: 'object',
  required: ['product_id', 'price'],
  additionalProperties: false,
  properties: {
    product_id: { type: 'string' },
    price: { type: 'number', minimum: 0 },
    quantity: { type: 'integer', minimum: 1 },
    currency: { enum: ['EUR', 'USD', 'GBP'] },
    [`field_${i}`]: { type: 'string' },
  },
});

/** Message `i` of a round: one in ten breaks its schema (price sent as a string), so flagging is exercised. */
const messageOf = (round: string, i: number): Record<string, unknown> => ({
  type: 'track',
  messageId: `${round}-${i}`,
  userId: `user-${i % 5000}`,
  event: eventName(i),
  timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  properties: {
    product_id: `p-${i % 300}`,
    price: i % 10 === 0 ? String(i % 97) : i % 97,
    quantity: 1 + (i % 3),
    currency: 'EUR',
    [`field_${i % EVENTS}`]: 'x',
  },
});

async function feed(ingest: IngestService, ws: string, round: string, total: number, batch: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < total) {
      const from = next;
      next += batch;
      const messages = Array.from({ length: Math.min(batch, total - from) }, (_, k) => messageOf(round, from + k));
      const result = await ingest.ingest(ws, messages, { receivedAt: Date.now(), source: 'bench' });
      if (result.accepted !== messages.length) throw new Error(`bench: ${messages.length - result.accepted} messages not accepted`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return total / ((performance.now() - started) / 1000);
}

/** The tracking-plan workload (`npm run bench -- --only tracking-plan`). */
export const trackingPlanBench: Workload = {
  name: 'tracking-plan',
  description: 'ingestion with a 50-schema tracking plan in flag mode against none (same run, alternating), and validation µs/message',
  async run({ quick }) {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-plan-'));
    const store = await openSqliteStore({ file: join(dir, 'bench.db') });
    try {
      await store.workspaces.create({ id: 'ws_plain', name: 'plain', createdAt: 0 });
      await store.workspaces.create({ id: 'ws_plan', name: 'plan', createdAt: 0 });
      const repo = new TrackingPlanRepoSql(store.sql);
      const screen = new TrackingPlanScreen(repo, systemClock);
      const ingest = new IngestService(store, { screen });
      const service = new TrackingPlanService(repo, screen, (ws, m, meta) => ingest.ingest(ws, m, meta), systemClock);
      service.start();
      for (let i = 0; i < EVENTS; i++) {
        const saved = await service.putSchema('ws_plan', 'track', eventName(i), { mode: 'flag', schema: schemaOf(i) });
        if (!saved.ok) throw new Error(`bench: schema refused: ${saved.error.message}`);
      }
      const perRound = quick ? 5_000 : 20_000;
      const rounds = quick ? 2 : 4;
      const batch = 100;
      const concurrency = 8;
      await feed(ingest, 'ws_plain', 'warm-a', 2_000, batch, concurrency);
      await feed(ingest, 'ws_plan', 'warm-b', 2_000, batch, concurrency);
      const plain: number[] = [];
      const planned: number[] = [];
      for (let r = 0; r < rounds; r++) {
        plain.push(await feed(ingest, 'ws_plain', `a${r}`, perRound, batch, concurrency));
        planned.push(await feed(ingest, 'ws_plan', `b${r}`, perRound, batch, concurrency));
      }
      const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
      const plainRate = sum(plain) / plain.length;
      const planRate = sum(planned) / planned.length;
      const ratios = plain.map((p, i) => planned[i]! / p).sort((a, b) => a - b);
      const medianRatio = ratios[Math.floor(ratios.length / 2)]!;
      const violations = await service.violations('ws_plan', { limit: 1000 });
      const flagged = violations.reduce((s, v) => s + v.count, 0);
      await service.stop();

      // The validation step alone: plan lookup, Ajv, violation mapping, on prepared messages (no store).
      const validated = quick ? 50_000 : 200_000;
      const cached = await screen.planOf('ws_plan');
      const messages = Array.from({ length: 1000 }, (_, i) => {
        const m = messageOf('v', i);
        return { type: 'track', name: m.event as string, properties: m.properties as Record<string, never>, traits: {} };
      });
      const t0 = performance.now();
      let found = 0;
      for (let i = 0; i < validated; i++) found += screen.check(cached, messages[i % 1000]!)?.violations.length ?? 0;
      const usPerMessage = ((performance.now() - t0) * 1000) / validated;
      if (found === 0) throw new Error('bench: no violation found; the workload is not exercising the validators');

      const note = `SQLite, in-process IngestService, batches of ${batch}, ${concurrency} concurrent calls, ${rounds}×${perRound} events per side alternating; 1 in 10 messages flagged; absolute figures taken on a shared, loaded machine`;
      return [
        { workload: 'tracking-plan', metric: 'ingest without a plan', value: Math.round(plainRate), unit: 'events/s', target: '', note },
        { workload: 'tracking-plan', metric: 'ingest with 50 schemas (flag)', value: Math.round(planRate), unit: 'events/s', target: '', note: `${flagged} violations counted` },
        {
          workload: 'tracking-plan',
          metric: 'with plan / without (median of rounds)',
          value: Math.round(medianRatio * 1000) / 1000,
          unit: 'ratio',
          target: '≥ 0.8',
          met: medianRatio >= 0.8,
          note: `per-round ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
        },
        {
          workload: 'tracking-plan',
          metric: 'validation step alone',
          value: Math.round(usPerMessage * 100) / 100,
          unit: 'µs/message',
          target: '≤ 20',
          met: usPerMessage <= 20,
          note: `${validated} checks of 1,000 distinct messages over 50 compiled schemas`,
        },
      ];
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
