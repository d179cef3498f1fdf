import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const send = (url: string, body: string | Buffer, headers: Record<string, string>) =>
  t.app.server.inject({ method: 'POST', url, headers: { authorization: t.writeAuth, ...headers }, payload: body });

/** The names of the events a profile (by userId or anonymousId) has, oldest first. */
async function eventsOf(ref: string): Promise<string[]> {
  const res = await t.app.server.inject({ method: 'GET', url: `/api/profiles/${encodeURIComponent(ref)}`, headers: { authorization: t.adminAuth } });
  if (res.statusCode !== 200) return [];
  return (res.json() as { events: { items: { type: string; name: string | null }[] } }).events.items
    .map((e) => (e.type === 'track' ? (e.name ?? '') : e.type))
    .reverse();
}

const batch = (userId: string, event: string): string => JSON.stringify({ batch: [{ type: 'track', userId, event }] });

describe('ingestion accepts what real clients send', () => {
  const contentTypes: [string, Record<string, string>][] = [
    ['application/json', { 'content-type': 'application/json' }],
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['application/x-www-form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type at all', {}],
  ];
  for (const [label, headers] of contentTypes) {
    it(`reads a JSON batch sent as ${label}`, async () => {
      const userId = `ct-${label.replace(/\W+/g, '-')}`;
      const res = await send('/v1/batch', batch(userId, 'Signed Up'), headers);
      expect(res.statusCode).toBe(200);
      expect(await eventsOf(userId)).toEqual(['Signed Up']);
    });
  }

  it('reads a gzip-compressed batch labelled application/x-www-form-urlencoded, as a Segment-spec SDK sends it', async () => {
    const res = await send('/v1/batch', gzipSync(batch('sdk-gzip-form', 'Order Completed')), {
      'content-type': 'application/x-www-form-urlencoded',
      'content-encoding': 'gzip',
    });
    expect(res.statusCode).toBe(200);
    expect(await eventsOf('sdk-gzip-form')).toEqual(['Order Completed']);
  });

  it('reads deflate bodies, zlib-wrapped and raw', async () => {
    for (const [userId, body] of [
      ['deflate-zlib', deflateSync(batch('deflate-zlib', 'A'))],
      ['deflate-raw', deflateRawSync(batch('deflate-raw', 'B'))],
    ] as const) {
      const res = await send('/v1/batch', body, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
      expect(res.statusCode).toBe(200);
      expect(await eventsOf(userId)).toEqual([userId === 'deflate-zlib' ? 'A' : 'B']);
    }
  });

  it('answers a corrupt deflate body with a 400 problem and an unknown encoding with 415', async () => {
    const corrupt = await send('/v1/batch', Buffer.from([0x78, 0x9c, 1, 2, 3, 4]), { 'content-encoding': 'deflate' });
    expect(corrupt.statusCode).toBe(400);
    const br = await send('/v1/batch', batch('br', 'X'), { 'content-encoding': 'br' });
    expect(br.statusCode).toBe(415);
    expect(br.json()).toMatchObject({ code: 'UNSUPPORTED_CONTENT_ENCODING' });
  });

  it('takes the write key from the body when there is no Basic auth, whatever the content type', async () => {
    const res = await t.app.server.inject({
      method: 'POST',
      url: '/v1/t',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ type: 'track', anonymousId: 'beacon-anon', event: 'Clicked', writeKey: t.writeKey }),
    });
    expect(res.statusCode).toBe(200);
    expect(await eventsOf('beacon-anon')).toEqual(['Clicked']);
  });

  it('serves the short routes of the browser library as the calls they stand for', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['/v1/i', { userId: 'short-1', traits: { email: 'short@example.com' } }],
      ['/v1/t', { userId: 'short-1', event: 'Product Viewed' }],
      ['/v1/p', { userId: 'short-1', name: 'Home' }],
      ['/v1/s', { userId: 'short-1', name: 'Cart' }],
      ['/v1/g', { userId: 'short-1', groupId: 'acme' }],
      ['/v1/b', { batch: [{ type: 'track', userId: 'short-1', event: 'Batched' }] }],
    ];
    for (const [url, body] of calls) {
      const res = await send(url, JSON.stringify(body), { 'content-type': 'text/plain' });
      expect([url, res.statusCode]).toEqual([url, 200]);
    }
    expect(await eventsOf('short-1')).toEqual(['identify', 'Product Viewed', 'page', 'screen', 'group', 'Batched']);
  });

  it('gives the browser library its settings, pointing it back at this server, and refuses an unknown write key', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: `/v1/projects/${t.writeKey}/settings`, headers: { host: 'segflow.test:8080' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.json()).toMatchObject({ integrations: { 'Segment.io': { apiKey: t.writeKey, apiHost: 'segflow.test:8080/v1', protocol: 'http' } } });
    const unknown = await t.app.server.inject({ method: 'GET', url: '/v1/projects/nope/settings' });
    expect(unknown.statusCode).toBe(404);
  });
});
