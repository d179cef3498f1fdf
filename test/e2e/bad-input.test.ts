/**
 * The bad-input battery of issue #2: every malformed request gets a 4xx problem+json with a stable code and the
 * offending field, the server keeps serving, and nothing of a rejected message is stored.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../src/app/testing/index.js';
import { testStoreKinds } from '../../src/store/testing/index.js';

/** The app of the backend whose suite is running (suites run one after the other). */
let t: TestApp;


const WS = 'ws_default';

interface Case {
  readonly name: string;
  readonly url: string;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
}

const json = (value: unknown): string => JSON.stringify(value);
let deep: unknown = { leaf: true };
for (let i = 0; i < 40; i += 1) deep = { n: deep };

const cases: Case[] = [
  { name: 'invalid JSON', url: '/v1/track', body: '{"userId": "u", event: }', status: 400, code: 'INVALID_JSON' },
  { name: 'truncated JSON', url: '/v1/batch', body: '{"batch": [{"type": "track", "userId": "u", "eve', status: 400, code: 'INVALID_JSON' },
  { name: 'an empty body', url: '/v1/track', body: '', status: 400, code: 'INVALID_JSON' },
  { name: 'a wrong content type', url: '/v1/track', body: '<track/>', headers: { 'content-type': 'application/xml' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a non-object root', url: '/v1/track', body: json([{ userId: 'u', event: 'X' }]), status: 400, code: 'INGEST_NOT_AN_OBJECT', field: '' },
  { name: 'a string root', url: '/v1/batch', body: json('hello'), status: 400, code: 'INGEST_NOT_AN_OBJECT', field: '' },
  { name: 'neither userId nor anonymousId', url: '/v1/track', body: json({ event: 'X' }), status: 400, code: 'INGEST_MISSING_ID', field: 'userId' },
  { name: 'track without event', url: '/v1/track', body: json({ userId: 'u' }), status: 400, code: 'INGEST_MISSING_EVENT', field: 'event' },
  { name: 'a wrongly typed field', url: '/v1/identify', body: json({ userId: 'u', traits: ['not', 'an', 'object'] }), status: 400, code: 'INGEST_INVALID_FIELD', field: 'traits' },
  { name: 'a wrongly typed userId', url: '/v1/track', body: json({ userId: true, event: 'X' }), status: 400, code: 'INGEST_INVALID_FIELD', field: 'userId' },
  { name: 'an over-size message', url: '/v1/track', body: json({ userId: 'u', event: 'X', properties: { blob: 'x'.repeat(40_000) } }), status: 413, code: 'INGEST_MESSAGE_TOO_LARGE' },
  {
    name: 'an over-size message inside a batch',
    url: '/v1/batch',
    body: json({ batch: [{ type: 'track', userId: 'u', event: 'X', properties: { blob: 'x'.repeat(40_000) } }] }),
    status: 400,
    code: 'INGEST_MESSAGE_TOO_LARGE',
    field: 'batch[0]',
  },
  {
    name: 'an over-size batch',
    url: '/v1/batch',
    body: json({ batch: Array.from({ length: 30 }, () => ({ type: 'track', userId: 'u', event: 'X', properties: { blob: 'x'.repeat(20_000) } })) }),
    status: 413,
    code: 'INGEST_BATCH_TOO_LARGE',
  },
  {
    name: 'more than 2,500 messages',
    url: '/v1/batch',
    body: json({ batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'X' })) }),
    status: 413,
    code: 'INGEST_BATCH_TOO_MANY',
    field: 'batch',
  },
  { name: 'a batch that is not an array', url: '/v1/batch', body: json({ batch: { type: 'track' } }), status: 400, code: 'INGEST_BATCH_INVALID', field: 'batch' },
  { name: 'deep nesting', url: '/v1/track', body: json({ userId: 'u', event: 'X', properties: deep }), status: 400, code: 'INGEST_TOO_DEEP' },
  {
    name: 'a __proto__ key',
    url: '/v1/track',
    body: '{"userId":"u","event":"X","properties":{"__proto__":{"polluted":true}}}',
    status: 400,
    code: 'INGEST_FORBIDDEN_KEY',
    field: 'properties.__proto__',
  },
  { name: 'a constructor key', url: '/v1/identify', body: json({ userId: 'u', traits: { constructor: { prototype: 1 } } }), status: 400, code: 'INGEST_FORBIDDEN_KEY', field: 'traits.constructor' },
  { name: 'an invalid date', url: '/v1/track', body: json({ userId: 'u', event: 'X', timestamp: '2026-13-45T99:00:00Z' }), status: 400, code: 'INGEST_INVALID_TIMESTAMP', field: 'timestamp' },
  { name: 'an invalid batch sentAt', url: '/v1/batch', body: json({ batch: [{ type: 'track', userId: 'u', event: 'X' }], sentAt: 'now' }), status: 400, code: 'INGEST_INVALID_TIMESTAMP', field: 'sentAt' },
  { name: 'an unknown call type', url: '/v1/batch', body: json({ batch: [{ type: 'purchase', userId: 'u' }] }), status: 400, code: 'INGEST_INVALID_TYPE', field: 'batch[0].type' },
  { name: 'an unknown write key', url: '/v1/track', body: json({ userId: 'u', event: 'X' }), headers: { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` }, status: 401, code: 'AUTH_INVALID_WRITE_KEY' },
  { name: 'no write key', url: '/v1/track', body: json({ userId: 'u', event: 'X' }), headers: { authorization: '' }, status: 401, code: 'AUTH_MISSING_WRITE_KEY' },
  { name: 'a wrong writeKey in the body', url: '/v1/track', body: json({ userId: 'u', event: 'X', writeKey: 'wrong-key' }), headers: { authorization: '' }, status: 401, code: 'AUTH_INVALID_WRITE_KEY' },
  { name: 'corrupt gzip', url: '/v1/track', body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'INVALID_GZIP' },
  { name: 'an unsupported content encoding', url: '/v1/track', body: json({ userId: 'u', event: 'X' }), headers: { 'content-encoding': 'br' }, status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' },
];

async function counts(): Promise<{ events: number; profiles: number }> {
  const { store } = t.app;
  return { events: await store.events.count(WS), profiles: await store.profiles.count(WS) };
}

describe.each(testStoreKinds())('bad input (%s)', (storeKind) => {
  beforeAll(async () => {
    t = await startTestApp({ storeKind });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(cases)('answers $name with $status $code and stores nothing', async (c) => {
    const before = await counts();
    const res = await t.app.server.inject({
      method: 'POST',
      url: c.url,
      headers: { 'content-type': 'application/json', authorization: t.writeAuth, ...c.headers },
      payload: c.body,
    });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ status: c.status, code: c.code, type: `urn:segflow:error:${c.code}`, instance: c.url });
    expect(typeof problem.detail).toBe('string');
    if (c.field !== undefined) expect(problem.field).toBe(c.field);
    expect(await counts()).toEqual(before);
  });

  it('never pollutes Object.prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores the valid messages of a batch and reports each rejected one with its index and field', async () => {
    const before = await counts();
    const res = await t.app.server.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'content-type': 'application/json', authorization: t.writeAuth },
      payload: json({
        batch: [
          { type: 'track', userId: 'mixed', event: 'Kept' },
          { type: 'track', userId: 'mixed' },
          { type: 'identify', traits: { a: 1 } },
        ],
      }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'INGEST_MISSING_EVENT',
      field: 'batch[1].event',
      accepted: 1,
      rejected: 2,
      errors: [
        { index: 1, code: 'INGEST_MISSING_EVENT', field: 'batch[1].event' },
        { index: 2, code: 'INGEST_MISSING_ID', field: 'batch[2].userId' },
      ],
    });
    expect((await counts()).events).toBe(before.events + 1);
  });

  it('keeps serving after the whole battery', async () => {
    expect((await t.app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ok = await t.app.server.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'content-type': 'application/json', authorization: t.writeAuth },
      payload: json({ userId: 'after', event: 'Still Working' }),
    });
    expect(ok.statusCode).toBe(200);
  });

  it('accepts a gzip-encoded single message within the limit', async () => {
    const res = await t.app.server.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'content-type': 'application/json', authorization: t.writeAuth, 'content-encoding': 'gzip' },
      payload: gzipSync(json({ userId: 'gz', event: 'Zipped' })),
    });
    expect(res.statusCode).toBe(200);
  });
});
