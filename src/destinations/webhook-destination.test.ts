import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { OutboundMessage } from './destination.js';
import { defaultGuardedPostLimits, guardedPost } from './guarded-post.js';
import { parseDestinationAllowlist } from './destination-allowlist.js';
import { newSigningSecret } from './signing-secret.js';
import { SsrfGuard, type Resolver } from './ssrf-guard.js';
import { TestReceiver } from './testing/index.js';
import { WebhookDestination } from './webhook-destination.js';

const message: OutboundMessage = {
  id: 'msg_42_dst_x',
  payload: {
    type: 'segment.entered',
    timestamp: '2026-01-01T00:00:00.000Z',
    data: {
      segment: { id: 'seg_1', name: 'VIP', version: 3 },
      profile: { id: 'prof_1', userId: 'u1', email: 'a@example.com' },
      at: '2026-01-01T00:00:00.000Z',
      cause: { kind: 'event', eventId: 'evt_1' },
    },
  },
};

const noDns: Resolver = async (host) => {
  throw new Error(`no DNS in tests (${host})`);
};

describe('WebhookDestination', () => {
  let receiver: TestReceiver;
  // Webhook#verify checks the timestamp against the real time, so the fake clock starts now.
  const clock = new FakeClock(Date.now());
  const secret = newSigningSecret();
  const allowLoopback = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1'), resolver: noDns });
  const destination = (url: string, guard = allowLoopback): WebhookDestination =>
    new WebhookDestination({ url, secret, guard, clock, limits: { connectTimeoutMs: 1_000, totalTimeoutMs: 5_000 } });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('signs so that the standardwebhooks library verifies the request as received', async () => {
    const outcome = await destination(`${receiver.origin}/hook`).deliver(message);
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    const got = receiver.requests[0];
    expect(got?.headers['webhook-id']).toBe('msg_42_dst_x');
    expect(got?.headers['content-type']).toBe('application/json');
    const verified = new Webhook(secret).verify(got?.body ?? '', got?.headers as Record<string, string>);
    expect(verified).toEqual(message.payload);
  });

  it('fails verification with another secret', async () => {
    await destination(`${receiver.origin}/hook`).deliver(message);
    const got = receiver.requests[0];
    expect(() => new Webhook(newSigningSecret()).verify(got?.body ?? '', got?.headers as Record<string, string>)).toThrow();
  });

  it('treats 5xx as retryable and 4xx other than 408/409/425/429 as final', async () => {
    receiver.reply({ kind: 'status', status: 503, body: 'down' }, { kind: 'status', status: 404 }, { kind: 'status', status: 409 });
    const d = destination(`${receiver.origin}/hook`);
    expect(await d.deliver(message)).toMatchObject({ ok: false, retryable: true, status: 503, error: 'HTTP 503: down' });
    expect(await d.deliver(message)).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(await d.deliver(message)).toMatchObject({ ok: false, retryable: true, status: 409 });
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', async () => {
    const inTwoMinutes = new Date(clock.now() + 120_000).toUTCString();
    receiver.reply(
      { kind: 'status', status: 429, headers: { 'retry-after': '30' } },
      { kind: 'status', status: 429, headers: { 'retry-after': inTwoMinutes } },
    );
    const d = destination(`${receiver.origin}/hook`);
    expect(await d.deliver(message)).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 30_000 });
    const second = await d.deliver(message);
    expect(second).toMatchObject({ ok: false, retryable: true, status: 429 });
    expect(second.ok ? 0 : second.retryAfterMs).toBeGreaterThan(119_000);
  });

  it('times out a receiver that never answers when the clock passes the total timeout', async () => {
    receiver.reply({ kind: 'hang' });
    const pending = destination(`${receiver.origin}/hook`).deliver(message);
    await receiver.waitForRequests(1);
    clock.advance(5_000);
    expect(await pending).toMatchObject({ ok: false, retryable: true, error: 'total timeout' });
  });

  it('follows a 307 to an allowed address and re-checks the hop', async () => {
    receiver.reply({ kind: 'status', status: 307, headers: { location: '/moved' } });
    expect(await destination(`${receiver.origin}/hook`).deliver(message)).toMatchObject({ ok: true });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook', '/moved']);
    expect(receiver.requests[1]?.headers['webhook-id']).toBe('msg_42_dst_x');
  });

  it('refuses redirects to private addresses, in any spelling, without retrying', async () => {
    for (const location of ['http://10.0.0.1/x', 'http://0177.0.0.2/', 'http://[::ffff:169.254.169.254]/', 'http://metadata.google.internal/']) {
      receiver.reply({ kind: 'status', status: 308, headers: { location } });
      const outcome = await destination(`${receiver.origin}/hook`).deliver(message);
      expect(outcome).toMatchObject({ ok: false, retryable: false });
    }
  });

  it('treats a 302 as a retryable failure instead of turning the POST into a GET', async () => {
    receiver.reply({ kind: 'status', status: 302, headers: { location: '/elsewhere' } });
    expect(await destination(`${receiver.origin}/hook`).deliver(message)).toMatchObject({ ok: false, retryable: true, status: 302 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses the loopback receiver at connect time when it is not allow-listed', async () => {
    const strict = new SsrfGuard({ resolver: noDns });
    expect(await destination(`${receiver.origin}/hook`, strict).deliver(message)).toMatchObject({ ok: false, retryable: false });
    expect(receiver.requests).toHaveLength(0);
  });

  it('connects to the address the resolver answered and the guard checked, sending the name as Host', async () => {
    let lookups = 0;
    const resolver: Resolver = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const port = new URL(receiver.origin).port;
    const byName = new SsrfGuard({ allowlist: parseDestinationAllowlist('hooks.test'), resolver });
    expect(await destination(`http://hooks.test:${port}/hook`, byName).deliver(message)).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.headers.host).toBe(`hooks.test:${port}`);
    expect(lookups).toBe(1);
    const notListed = new SsrfGuard({ resolver });
    expect(await destination(`http://rebinding.test:${port}/hook`, notListed).deliver(message)).toMatchObject({ ok: false, retryable: false });
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses at connect time a name that passed registration and then rebinds to a private address', async () => {
    const answers = ['93.184.216.34', '127.0.0.1'];
    const resolver: Resolver = async () => [{ address: answers.shift() ?? '127.0.0.1', family: 4 }];
    const guard = new SsrfGuard({ resolver });
    const port = new URL(receiver.origin).port;
    expect(await guard.checkUrl(`http://rebind.test:${port}/hook`)).toMatchObject({ ok: true });
    const outcome = await destination(`http://rebind.test:${port}/hook`, guard).deliver(message);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok ? '' : outcome.error).toContain('127.0.0.1, a loopback address');
    expect(receiver.requests).toHaveLength(0);
  });

  it('reads at most the response cap', async () => {
    receiver.reply({ kind: 'status', status: 500, body: 'x'.repeat(200_000) });
    const result = await guardedPost({
      url: `${receiver.origin}/`,
      headers: {},
      body: '{}',
      guard: allowLoopback,
      clock,
      limits: { ...defaultGuardedPostLimits, maxResponseBytes: 1024 },
    });
    expect(result.kind === 'response' && [result.status, result.body.length]).toEqual([500, 1024]);
  });
});
