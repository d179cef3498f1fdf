/**
 * Saving a segment that reads further back than the workspace's event retention answers warning RULE3008 (in the
 * save, update and dry-run answers, which `segflow apply` prints), on both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { testStoreKinds } from '../../store/testing/index.js';

interface Warning {
  readonly code: string;
  readonly message: string;
}

describe.each(testStoreKinds())('segment save with an event retention (%s)', (storeKind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ storeKind });
  });
  afterEach(async () => {
    await t.close();
  });

  const admin = async (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    const res = await t.app.server.inject({ method, url, headers: { authorization: t.adminAuth }, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, json: res.body === '' ? undefined : (res.json() as { warnings?: Warning[] }) };
  };
  const retentionWarnings = (json: { warnings?: Warning[] } | undefined): string[] =>
    (json?.warnings ?? []).filter((w) => w.code === 'RULE3008').map((w) => w.message);

  it('warns on create, update and dry run when a window reaches past the retention, and not within it or without one', async () => {
    const long = 'performed("Order Completed", within 90d)';
    // No retention: nothing to warn about.
    const before = await admin('POST', '/api/segments/dry-run', { name: 'Buyers', rule: long });
    expect(before.status).toBe(200);
    expect(retentionWarnings(before.json)).toEqual([]);

    expect((await admin('PUT', '/api/privacy/retention', { eventsDays: 30 })).status).toBe(200);
    const created = await admin('POST', '/api/segments', { name: 'Buyers', rule: long });
    expect(created.status).toBe(201);
    expect(retentionWarnings(created.json)).toEqual([
      'This rule reads further back than the workspace keeps events: a window of 90d reaches past the 30-day event retention. Once older events are deleted it sees only what is kept.',
    ]);
    const short = await admin('POST', '/api/segments', { name: 'Recent', rule: 'performed("Order Completed", within 30d)' });
    expect(short.status).toBe(201);
    expect(retentionWarnings(short.json)).toEqual([]);

    const updated = await admin('PUT', '/api/segments/Recent', { name: 'Recent', rule: 'performed("Order Completed") and first_seen before 60d ago' });
    expect(updated.status).toBe(200);
    expect(retentionWarnings(updated.json)).toHaveLength(3);
    const dry = await admin('POST', '/api/segments/dry-run', { name: 'Lapsed', rule: 'lapsed("Order Completed", 10d)' });
    expect(retentionWarnings(dry.json)).toHaveLength(1);

    // Removing the retention removes the warning.
    expect((await admin('DELETE', '/api/privacy/retention')).status).toBe(200);
    const again = await admin('PUT', '/api/segments/Buyers', { name: 'Buyers', rule: long });
    expect(again.status).toBe(200);
    expect(retentionWarnings(again.json)).toEqual([]);
  });
});
