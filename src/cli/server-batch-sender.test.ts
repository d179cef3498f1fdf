import { describe, expect, it } from 'vitest';
import { ingestLimits } from '../ingest/index.js';
import { chunkForBatch } from './server-batch-sender.js';

describe('chunkForBatch', () => {
  it('keeps each request within the batch byte limit, in order', () => {
    const big = 'x'.repeat(30 * 1024);
    const messages = Array.from({ length: 40 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'A', properties: { big } }));
    const chunks = chunkForBatch(messages);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify({ batch: c }))).toBeLessThanOrEqual(ingestLimits.maxBatchBytes);
    expect(chunks.flat()).toEqual(messages);
  });

  it('keeps each request within the batch message limit', () => {
    const messages = Array.from({ length: ingestLimits.maxBatchMessages + 10 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'A' }));
    expect(chunkForBatch(messages).map((c) => c.length)).toEqual([ingestLimits.maxBatchMessages, 10]);
  });
});
