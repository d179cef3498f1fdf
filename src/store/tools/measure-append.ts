/**
 * @module
 * Measures the store's ingestion primitive: events/s for `store.transaction(tx => tx.events.append(batch))`
 * with batches of 100 realistic track events, on SQLite (temporary file, production settings) and, with
 * `--postgres`, on PostgreSQL (random schema of the test database). Not a test: prints numbers.
 *
 *   npx tsx src/store/tools/measure-append.ts [--events 200000] [--batch 100] [--postgres]
 */
import { performance } from 'node:perf_hooks';
import type { NewEvent } from '../../core/index.js';
import type { Store } from '../store.js';
import { createTestPostgresStore, createTestSqliteStore } from '../testing/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function makeBatch(start: number, size: number, t0: number): NewEvent[] {
  return Array.from({ length: size }, (_, i) => {
    const n = start + i;
    return {
      workspaceId: 'ws_default',
      messageId: `msg-${n.toString(36)}-${(n * 2654435761) % 1e9}`,
      profileId: `prof_${n % 10_000}`,
      type: 'track',
      name: n % 3 === 0 ? 'Product Added' : 'Product Viewed',
      userId: `user-${n % 10_000}`,
      anonymousId: null,
      timestamp: t0 + n,
      receivedAt: t0 + n,
      properties: { product_id: `sku-${n % 500}`, price: 19.99, currency: 'EUR', category: 'shoes', quantity: 1 },
      traits: {},
      context: { ip: '203.0.113.9', library: { name: 'analytics-node', version: '3.1.0' }, userAgent: 'Mozilla/5.0' },
    };
  });
}

async function measure(label: string, store: Store, total: number, batch: number): Promise<void> {
  const t0 = Date.UTC(2026, 0, 1);
  const warm = makeBatch(-batch * 10, batch * 10, t0);
  for (let i = 0; i < warm.length; i += batch) await store.transaction((tx) => tx.events.append(warm.slice(i, i + batch)));
  const batches = Math.ceil(total / batch);
  // Only the store's work is timed: each batch is built just before, as a request's events would be, and
  // CPU time is counted too because on a shared machine wall time mostly measures the neighbours.
  let seconds = 0;
  let cpuSeconds = 0;
  const latencies: number[] = [];
  for (let b = 0; b < batches; b++) {
    const events = makeBatch(b * batch, batch, t0);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await store.transaction((tx) => tx.events.append(events));
    const elapsed = performance.now() - started;
    latencies.push(elapsed);
    seconds += elapsed / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    cpuSeconds += (cpu.user + cpu.system) / 1e6;
  }
  const rate = (n: number): string => Math.round(n).toLocaleString('en');
  latencies.sort((a, b) => a - b);
  const pct = (q: number): string => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
  console.log(
    `${label}: ${total} events in batches of ${batch}: ${rate(total / seconds)} events/s wall, ` +
      `${rate(total / cpuSeconds)} events per CPU-second of this process; per batch p50 ${pct(0.5)} ms, ` +
      `p99 ${pct(0.99)} ms, p99.9 ${pct(0.999)} ms, max ${pct(1)} ms`,
  );
}

const total = arg('events', 200_000);
const batch = arg('batch', 100);
const sqlite = await createTestSqliteStore();
await measure('sqlite', sqlite, total, batch);
await sqlite.close();
if (process.argv.includes('--postgres')) {
  const pgStore = await createTestPostgresStore();
  await measure('postgres', pgStore.store, Math.min(total, 50_000), batch);
  await pgStore.dispose();
}
