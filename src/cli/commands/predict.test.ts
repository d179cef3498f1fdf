import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../ingest/index.js';
import { openSqliteStore } from '../../store/index.js';
import { runCli } from './testing-cli.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
let dir = '';
let db = '';

/** A deterministic shop: 400 customers whose daily purchase chance depends on a hidden taste, over 240 days. */
async function seed(file: string): Promise<void> {
  const store = await openSqliteStore({ file });
  const ingest = new IngestService(store);
  try {
    const ws = await store.workspaces.ensureDefault(T0);
    let state = 14;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const messages: Record<string, unknown>[] = [];
    for (let c = 0; c < 400; c++) {
      const taste = random() < 0.3 ? 0.06 : 0.004;
      const start = Math.floor(random() * 60);
      messages.push({ type: 'track', userId: `u${c}`, event: 'Product Viewed', messageId: `v${c}`, timestamp: new Date(T0 + start * DAY).toISOString() });
      for (let d = start; d < 240; d++) {
        if (random() < taste) {
          messages.push({ type: 'track', userId: `u${c}`, event: 'Order Completed', messageId: `o${c}-${d}`, properties: { revenue: 20 + Math.floor(random() * 80) }, timestamp: new Date(T0 + d * DAY + 3_600_000).toISOString() });
        }
      }
    }
    for (let i = 0; i < messages.length; i += 500) {
      const r = await ingest.ingest(ws.id, messages.slice(i, i + 500), { receivedAt: T0 + 240 * DAY, source: 'test', fieldOf: (k) => `m[${k}]` });
      expect(r.accepted + r.duplicates).toBe(Math.min(500, messages.length - i));
    }
  } finally {
    await ingest.drain();
    await store.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segflow-predict-cli-'));
  db = join(dir, 'shop.db');
  await seed(db);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('segflow predict', () => {
  it('trains on the store without a server, prints the evaluation beside the baseline, then exports scores', async () => {
    const train = await runCli(['predict', 'train', 'buyers', '--kind', 'purchase', '--horizon', '30d', '--db', db]);
    expect(train.stderr).not.toContain('Error');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/model buyers v1 \(purchase, (gbt|logistic)\)/);
    expect(train.stdout).toMatch(/AUC\s+\d\.\d{3}\s+\d\.\d{3}/);
    expect(train.stdout).toMatch(/RFM base/);
    expect(train.stdout).toMatch(/beats the RFM baseline|DOES NOT BEAT/);

    const csv = await runCli(['predict', 'scores', 'buyers', '--as-of', new Date(T0 + 240 * DAY).toISOString(), '--db', db]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('userId,score');
    expect(lines).toHaveLength(401);
    expect(lines.slice(1).every((l) => /^u\d+,0\.\d+|^u\d+,1$|^u\d+,\d(\.\d+)?e-\d+$/.test(l))).toBe(true);

    // Point in time: before anyone was seen, nobody has a score.
    const early = await runCli(['predict', 'scores', 'buyers', '--format', 'jsonl', '--as-of', new Date(T0 - DAY).toISOString(), '--db', db]);
    const rows = early.stdout.trim().split('\n').map((l) => JSON.parse(l) as { userId: string; score: number | null });
    expect(rows).toHaveLength(400);
    expect(rows.every((r) => r.score === null)).toBe(true);
  }, 120_000);

  it('imports ONNX and XGBoost models, refusing a ZipMap output with how to fix it', async () => {
    const fixtures = join('src', 'predict', 'byom', 'fixtures');
    const features = 'recency_days,frequency,monetary_total,email_opens_30d';
    const zipmap = await runCli(['predict', 'import', 'lr', '--onnx', join(fixtures, 'linear-zipmap.onnx'), '--features', features, '--db', db]);
    expect([zipmap.code, zipmap.stderr.includes('ZipMap')]).toEqual([1, true]);
    const onnx = await runCli(['predict', 'import', 'lr', '--onnx', join(fixtures, 'linear.onnx'), '--features', features, '--db', db]);
    expect(onnx.code).toBe(0);
    const xgb = await runCli(['predict', 'import', 'xgb', '--xgboost', join(fixtures, 'model.xgb.json'), '--db', db]);
    expect(xgb.code).toBe(0);
    const scores = await runCli(['predict', 'scores', 'lr', '--db', db]);
    expect(scores.stdout.trim().split('\n')).toHaveLength(401);
  }, 120_000);

  it('answers usage errors with exit 2 and an unknown model with exit 1', async () => {
    const bad = await runCli(['predict', 'train', 'x', '--kind', 'nope', '--horizon', '3 days', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kind must be one of purchase, churn, value');
    expect(bad.stderr).toContain('--horizon');
    const unknown = await runCli(['predict', 'scores', 'nobody', '--db', db]);
    expect([unknown.code, unknown.stderr.includes('no model named "nobody"')]).toEqual([1, true]);
  }, 120_000);
});
