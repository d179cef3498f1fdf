/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
/**
 * Issue #5 end to end: SendGrid-signed open and unsubscribe events (through the real ESP endpoint and ingestion)
 * drive a person into and out of a segment in the real engine, and a registered webhook destination receives
 * both changes, signed per Standard Webhooks, in order.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../src/app/testing/index.js';
import { generateSendgridKeyPair, sendgridEvent, sendgridWebhookRequest } from '../../src/ingest/esp/testing.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let waiters: Array<() => void> = [];
let t: TestApp;

/** Resolves once the receiver holds at least `n` requests. */
function receivedAtLeast(n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (received.length >= n) resolve();
      else waiters.push(check);
    };
    check();
  });
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.app.url}${path}`, {
    method,
    headers: { authorization: t.adminAuth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
      const pending = waiters;
      waiters = [];
      for (const w of pending) w();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // The receiver is on loopback: the operator allow-lists it, exactly as production would have to.
  t = await startTestApp({ listen: true, env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' } });
});

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('SendGrid events → segment → signed membership webhook', () => {
  it('delivers the entry caused by an open and the exit caused by an unsubscribe', async () => {
    const keys = generateSendgridKeyPair();
    expect((await api('PUT', '/api/settings/esp/sendgrid', { publicKey: keys.publicKey })).status).toBe(200);

    // Ada is known by her email before any email event arrives.
    const identify = await fetch(`${t.app.url}/v1/identify`, {
      method: 'POST',
      headers: { authorization: t.writeAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'ada', traits: { email: 'ada@example.com', name: 'Ada' } }),
    });
    expect(identify.status).toBe(200);

    const segment = await api('POST', '/api/segments', {
      name: 'Engaged readers',
      rule: 'performed("Email Opened", within 7d) and email_eligible',
    });
    expect(segment.status).toBe(201);
    const segmentId = segment.json.segment.id as string;

    const destination = await api('POST', '/api/destinations', {
      name: 'ESP sync',
      url: receiverUrl,
      segments: [segmentId],
      emailTargeting: true,
    });
    expect(destination.status).toBe(201);
    const secret = destination.json.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const send = async (event: string): Promise<void> => {
      const now = Date.now() / 1000;
      const req = sendgridWebhookRequest(keys.privateKey, [sendgridEvent(event, 'ada@example.com', now)], now, t.writeKey);
      const res = await fetch(`${t.app.url}${req.url}`, { method: 'POST', headers: req.headers, body: req.body });
      expect(res.status).toBe(200);
    };

    await send('open');
    await receivedAtLeast(1);
    await send('unsubscribe');
    await receivedAtLeast(2);

    const wh = new Webhook(secret);
    const payloads = received.slice(0, 2).map((r) =>
      wh.verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }) as { type: string; data: { segment: { id: string }; profile: { userId?: string; email?: string } } },
    );
    expect(payloads.map((p) => p.type)).toEqual(['segment.entered', 'segment.exited']);
    for (const p of payloads) {
      expect(p.data.segment.id).toBe(segmentId);
      expect(p.data.profile.userId).toBe('ada');
    }
    expect(received[0]!.headers['webhook-id']).not.toBe(received[1]!.headers['webhook-id']);

    // The profile now says why Ada may not be emailed.
    const profile = await api('GET', '/api/profiles/email:ada@example.com');
    expect(profile.json.subscription).toMatchObject({ state: 'unsubscribed' });
  });
});
