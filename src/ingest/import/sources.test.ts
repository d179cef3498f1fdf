import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvSource } from './csv-source.js';
import { isLineError, type ImportLineError, type ImportRecord, type ImportSource } from './import-record.js';
import { jsonlSource } from './jsonl-source.js';
import { onlineRetailSource } from './online-retail-source.js';
import { ottoSource } from './otto-source.js';
import { runImport, type BatchOutcome } from './run-import.js';

const DATA = join(import.meta.dirname, '../../../../shared/data');
const RETAIL = join(DATA, 'online-retail-2010-12-to-2011-06.csv.gz');
const OTTO = join(DATA, 'otto-sessions-sample.jsonl');

async function collect(source: ImportSource): Promise<{ records: ImportRecord[]; errors: ImportLineError[] }> {
  const records: ImportRecord[] = [];
  const errors: ImportLineError[] = [];
  for await (const r of source.records()) (isLineError(r) ? errors : records).push(r as never);
  return { records, errors };
}

function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'segflow-import-')), name);
  writeFileSync(file, content);
  return file;
}

describe('OTTO sessions source', () => {
  it('maps clicks, carts and orders of the real sample to e-commerce spec events of one user per session', async () => {
    const { records, errors } = await collect(ottoSource(OTTO));
    expect(errors).toEqual([]);
    expect(records).toHaveLength(862);
    const names = new Set(records.map((r) => r.message.event));
    expect(names).toEqual(new Set(['Product Viewed', 'Product Added', 'Order Completed']));
    const first = records[0]!.message;
    expect(first).toMatchObject({
      type: 'track',
      event: 'Product Viewed',
      userId: 'otto-0',
      messageId: 'otto:0:0',
      timestamp: new Date(1659304800025).toISOString(),
      properties: { product_id: '1517085' },
    });
    const order = records.find((r) => r.message.event === 'Order Completed')!.message;
    expect(order.properties).toMatchObject({ order_id: expect.stringMatching(/^otto-\d+-\d+$/) });
  });

  it('reports a malformed line and keeps going', async () => {
    const file = tempFile('s.jsonl', '{"session":1,"events":[{"aid":5,"ts":1000,"type":"clicks"}]}\nnot json\n{"session":2,"events":[{"aid":5,"ts":1,"type":"likes"}]}\n');
    const { records, errors } = await collect(ottoSource(file));
    expect(records).toHaveLength(1);
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
  });
});

describe('Online Retail source', () => {
  it('turns the real data set into one order per invoice, cancellations apart, guests anonymous', async () => {
    const { records, errors } = await collect(onlineRetailSource(RETAIL));
    expect(errors).toEqual([]);
    const tracks = records.filter((r) => r.message.type === 'track').map((r) => r.message);
    const orders = tracks.filter((m) => m.event === 'Order Completed');
    const cancels = tracks.filter((m) => m.event === 'Order Cancelled');
    expect(cancels.length).toBeGreaterThan(0);
    expect(cancels.every((m) => String((m.properties as { order_id: string }).order_id).startsWith('C'))).toBe(true);
    expect(orders.every((m) => !String((m.properties as { order_id: string }).order_id).startsWith('C'))).toBe(true);
    // Every invoice line is in exactly one order's products, or counted as omitted from a huge invoice.
    const props = tracks.map((m) => m.properties as { products: unknown[]; products_omitted?: number });
    const lines = props.reduce((n, p) => n + p.products.length + (p.products_omitted ?? 0), 0);
    expect(lines).toBe(245_903);
    expect(tracks.every((m) => JSON.stringify(m).length < 32_768)).toBe(true);
    expect(props.filter((p) => p.products_omitted).length).toBeLessThan(10);
    const first = orders[0]!;
    expect(first).toMatchObject({ userId: '17850', messageId: 'retail:536365', timestamp: '2010-12-01T08:26:00Z' });
    expect((first.properties as { revenue: number }).revenue).toBeCloseTo(139.12, 2);
    const guests = tracks.filter((m) => typeof m.anonymousId === 'string');
    expect(guests.length).toBeGreaterThan(0);
    expect(guests.every((m) => m.userId === undefined && String(m.anonymousId).startsWith('retail-guest-'))).toBe(true);
    const identifies = records.filter((r) => r.message.type === 'identify');
    expect(new Set(identifies.map((r) => r.message.userId)).size).toBe(identifies.length);
  });
});

describe('Segment JSONL source', () => {
  it('yields each object line and reports lines that are not objects', async () => {
    const file = tempFile('m.jsonl', '{"type":"track","userId":"u","event":"A"}\n\n[1]\n{bad\n');
    const { records, errors } = await collect(jsonlSource(file));
    expect(records.map((r) => r.message.event)).toEqual(['A']);
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
  });
});

describe('CSV source with a mapping', () => {
  it('builds messages from columns with types and stable derived message ids', async () => {
    const file = tempFile('orders.csv', 'cust,when,amount,vip\n7,2024-01-01T00:00:00Z,12.5,yes\n7,2024-01-01T00:00:00Z,12.5,yes\n,2024-01-02T00:00:00Z,1,no\n');
    const source = csvSource(file, {
      event: 'Order Completed',
      userIdColumn: 'cust',
      timestampColumn: 'when',
      properties: { revenue: { column: 'amount', type: 'number' }, vip: { column: 'vip', type: 'boolean' } },
    });
    const a = await collect(source);
    const b = await collect(source);
    expect(a.records.map((r) => r.message.properties)).toEqual([
      { revenue: 12.5, vip: true },
      { revenue: 12.5, vip: true },
    ]);
    const ids = a.records.map((r) => r.message.messageId);
    expect(new Set(ids).size).toBe(2);
    expect(b.records.map((r) => r.message.messageId)).toEqual(ids);
    expect(a.errors).toEqual([{ line: 3, message: 'no user id or anonymous id in this row' }]);
  });
});

describe('runImport', () => {
  it('batches messages, shifts timestamps and reports rejections with their input line', async () => {
    const file = tempFile('m.jsonl', [1, 2, 3, 4, 5].map((i) => JSON.stringify({ type: 'track', userId: 'u', event: `E${i}`, timestamp: '2020-01-01T00:00:00Z' })).join('\n'));
    const batches: Record<string, unknown>[][] = [];
    const ingest = async (messages: Record<string, unknown>[]): Promise<BatchOutcome> => {
      batches.push(messages);
      return { accepted: messages.length - 1, duplicates: 0, rejected: [{ index: 0, code: 'X', detail: 'no' }] };
    };
    let t = 0;
    const summary = await runImport(jsonlSource(file), ingest, { batchSize: 2, shiftMs: 86_400_000, now: () => (t += 500) });
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batches[0]![0]!.timestamp).toBe('2020-01-02T00:00:00.000Z');
    expect(summary).toMatchObject({ read: 5, accepted: 2, rejected: 3, seconds: 0.5 });
    expect(summary.errors.map((e) => e.line)).toEqual([1, 3, 5]);
  });
});
