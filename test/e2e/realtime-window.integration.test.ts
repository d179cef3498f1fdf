/**
 * End to end, with the real clock: a segment with a 30-second window, an event sent by the unmodified
 * `@segment/analytics-node` client, the person entering at once and leaving by the passage of time alone —
 * at exactly event time + 30 s, as the change log's logical instant records.
 */
import { Analytics } from '@segment/analytics-node';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../src/api/routes/segments-test-server.js';

interface Change {
  seq: number;
  segmentId: string;
  segmentName?: string;
  profileId: string;
  kind: 'entered' | 'exited';
  at: string;
  recordedAt: string;
  cause: { kind: string };
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Follows /api/changes/stream with a plain HTTP client, collecting the changes it delivers. */
function follow(after: number): { changes: Change[]; next: () => Promise<void>; close: () => void } {
  const changes: Change[] = [];
  let waiters: (() => void)[] = [];
  let response: IncomingMessage | undefined;
  let buffer = '';
  const req = httpRequest(`${server.url}/api/changes/stream?after=${after}`, { headers: { authorization: `Bearer ${server.adminKey}` } }, (res) => {
    response = res;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) changes.push(JSON.parse(data.slice(6)) as Change);
      }
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    });
  });
  req.end();
  return {
    changes,
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => {
      response?.destroy();
      req.destroy();
    },
  };
}

it(
  'a person enters "opened within 30s" on the event and exits by time alone at event time + 30 s',
  async () => {
    const created = await fetch(`${server.url}/api/segments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Opened in the last 30 seconds', rule: 'performed("Email Opened", within 30s)' }),
    });
    expect(created.status).toBe(201);
    const segment = ((await created.json()) as { segment: { id: string; size: number } }).segment;
    expect(segment.size).toBe(0);

    const head = (await (await fetch(`${server.url}/api/changes?after=0&limit=1000`, { headers: { authorization: `Bearer ${server.adminKey}` } })).json()) as { next: number };
    const stream = follow(head.next);
    try {
      const analytics = new Analytics({ writeKey: server.writeKey, host: server.url, flushAt: 1 });
      analytics.track({ userId: 'e2e-reader', event: 'Email Opened', properties: { campaign: 'welcome' } });
      await analytics.closeAndFlush();

      const mine = (kind: Change['kind']): Change | undefined => stream.changes.find((c) => c.segmentId === segment.id && c.kind === kind);
      while (!mine('entered')) await stream.next();
      const entered = mine('entered') as Change;
      expect(entered.cause.kind).toBe('event');

      // No more events: only the real clock can take the person out.
      while (!mine('exited')) await stream.next();
      const exited = mine('exited') as Change;
      expect(exited.profileId).toBe(entered.profileId);
      expect(exited.cause.kind).toBe('timer');
      // The event's time as stored (after ingestion's clock-skew correction) is what the window counts from.
      const profile = await fetch(`${server.url}/api/profiles/e2e-reader`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      const events = ((await profile.json()) as { events: { items: { name: string | null; timestamp: string }[] } }).events.items;
      const opened = events.filter((e) => e.name === 'Email Opened');
      expect(opened).toHaveLength(1);
      const eventTime = Date.parse(opened[0]!.timestamp);
      expect(Date.parse(entered.at)).toBeGreaterThanOrEqual(eventTime);
      expect(Date.parse(exited.at)).toBe(eventTime + 30_000);
      // The change is recorded at or after its logical instant, never before it.
      expect(Date.parse(exited.recordedAt)).toBeGreaterThanOrEqual(Date.parse(exited.at));

      const explained = await fetch(`${server.url}/api/segments/${segment.id}/explain/e2e-reader`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      expect(((await explained.json()) as { member: boolean }).member).toBe(false);
    } finally {
      stream.close();
    }
  },
  180_000,
);
