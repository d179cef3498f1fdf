import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';

interface Received {
  readonly id: string;
  readonly type: string;
  readonly step: string;
  readonly userId: string | undefined;
}

/** A webhook receiver that verifies every signature with the `standardwebhooks` library and dedupes by webhook-id. */
function receiver(secret: () => string): { server: Server; got: Received[]; rejected: number; onMessage: (fn: (r: Received) => void) => void } {
  const got: Received[] = [];
  const seen = new Set<string>();
  const listeners: ((r: Received) => void)[] = [];
  const state = { rejected: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { type: string; data: { step?: { id: string }; profile?: { userId?: string } } };
      try {
        payload = new Webhook(secret()).verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        }) as typeof payload;
      } catch {
        state.rejected += 1;
        res.writeHead(401).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      res.writeHead(204).end();
      if (seen.has(id) || payload.type !== 'workflow.step') return;
      seen.add(id);
      const r = { id, type: payload.type, step: payload.data.step?.id ?? '', userId: payload.data.profile?.userId };
      got.push(r);
      for (const l of listeners) l(r);
    });
  });
  return {
    server,
    got,
    get rejected() {
      return state.rejected;
    },
    onMessage: (fn) => void listeners.push(fn),
  };
}

describe('workflows end to end over HTTP with the real clock', () => {
  let t: TestApp | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('runs the cart-abandonment series with second-scale waits, signed, and stops the moment the order arrives', { timeout: 60_000 }, async () => {
    let secret = '';
    const rx = receiver(() => secret);
    server = rx.server;
    await new Promise<void>((resolve) => rx.server.listen(0, '127.0.0.1', resolve));
    const port = (rx.server.address() as AddressInfo).port;
    t = await startTestApp({ listen: true, env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' } });
    const base = t.app.url;
    const admin = { authorization: t.adminAuth, 'content-type': 'application/json' };
    const dest = await fetch(`${base}/api/destinations`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'reminders', url: `http://127.0.0.1:${port}/hook`, segments: 'all' }) });
    expect(dest.status).toBe(201);
    secret = ((await dest.json()) as { secret: string }).secret;
    const saved = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: 'cart-abandonment',
        trigger: { event: 'Product Added', key: 'properties.cart_id' },
        goal: 'performed("Order Completed", within 1d)',
        re_entry: 'always',
        steps: [
          { id: 'mark', set_trait: { cart_series: 'started' } },
          { id: 'wait-1', wait: '1s' },
          { id: 'reminder-1', webhook: 'reminders' },
          { id: 'wait-2', wait: '2s' },
          { id: 'reminder-2', webhook: 'reminders' },
          { id: 'wait-3', wait: '3s' },
          { id: 'reminder-3', webhook: 'reminders' },
        ],
      }),
    });
    expect(saved.status).toBe(201);
    const track = (userId: string, event: string, properties: Record<string, unknown> = {}): Promise<Response> =>
      fetch(`${base}/v1/track`, { method: 'POST', headers: { authorization: t?.writeAuth ?? '', 'content-type': 'application/json' }, body: JSON.stringify({ userId, event, properties }) });
    const u1Done = new Promise<void>((resolve) => rx.onMessage((r) => r.userId === 'u1' && r.step === 'reminder-3' && resolve()));
    // u2 orders as soon as the first reminder reaches it: the rest of its series must never come.
    rx.onMessage((r) => {
      if (r.userId === 'u2' && r.step === 'reminder-1') void track('u2', 'Order Completed');
    });
    expect((await track('u1', 'Product Added', { cart_id: 'c1' })).status).toBe(200);
    expect((await track('u2', 'Product Added', { cart_id: 'c2' })).status).toBe(200);
    await u1Done;
    expect(rx.rejected).toBe(0);
    expect(rx.got.filter((r) => r.userId === 'u1').map((r) => r.step)).toEqual(['reminder-1', 'reminder-2', 'reminder-3']);
    expect(rx.got.filter((r) => r.userId === 'u2').map((r) => r.step)).toEqual(['reminder-1']);
    // set_trait went through ingestion (an identify with the action's idempotency id) before the first reminder.
    const profile = (await (await fetch(`${base}/api/profiles/u1`, { headers: admin })).json()) as { traits: Record<string, unknown> };
    expect(profile.traits).toMatchObject({ cart_series: 'started' });
    const runs = await fetch(`${base}/api/workflows/cart-abandonment/runs?profile=u2`, { headers: admin });
    const body = (await runs.json()) as { runs: { exitCause: string }[] };
    expect(body.runs[0]?.exitCause).toBe('goal');
    const bad = await fetch(`${base}/api/workflows`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'x', trigger: { event: 'A' }, steps: [{ id: 'a', webhook: 'nowhere' }] }) });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'WORKFLOW_INVALID', field: 'steps[0].webhook', errors: [{ code: 'WF006' }] });
  });
});
