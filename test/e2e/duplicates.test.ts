/**
 * Dedupe under concurrency: the same 1,000 messages sent three times at once (in batches of 100, 30 requests in
 * flight) are acknowledged every time and stored exactly once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../src/app/testing/index.js';
import { testStoreKinds } from '../../src/store/testing/index.js';

describe.each(testStoreKinds())('duplicates (%s)', (storeKind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true, storeKind });
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores the same 1,000 messages sent 3 times concurrently exactly once', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      type: 'track',
      messageId: randomUUID(),
      userId: `dup-user-${i % 50}`,
      event: 'Product Viewed',
      properties: { i },
    }));
    const batches = Array.from({ length: 10 }, (_, b) => messages.slice(b * 100, b * 100 + 100));
    const send = (batch: unknown[]) =>
      fetch(`${t.app.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: t.writeAuth },
        body: JSON.stringify({ batch }),
      });
    const responses = await Promise.all([0, 1, 2].flatMap(() => batches.map(send)));
    expect(responses.map((r) => r.status)).toEqual(new Array(30).fill(200));
    const { store } = t.app;
    expect(await store.events.count('ws_default')).toBe(1000);
    const stored = await store.events.readLog(0, 5000);
    expect(new Set(stored.map((e) => e.messageId)).size).toBe(1000);
    expect(await store.profiles.count('ws_default')).toBe(50);
  });

  it('stores a message without messageId once when it is retried', async () => {
    const { store } = t.app;
    const before = await store.events.count('ws_default');
    const body = JSON.stringify({ batch: [{ type: 'track', userId: 'no-id', event: 'Retried', timestamp: '2026-01-01T00:00:00Z' }] });
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`${t.app.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: t.writeAuth }, body });
      expect(res.status).toBe(200);
    }
    expect(await store.events.count('ws_default')).toBe(before + 1);
  });
});
