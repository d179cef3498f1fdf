/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, eventually, startTestServer } from './segments-test-server.js';

let server: TestServer;

const basic = (): string => `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`;

async function api(method: string, path: string, body?: unknown, auth = `Bearer ${server.adminKey}`): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { authorization: auth };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

async function ingest(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic() }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function members(segment: string): Promise<string[]> {
  const res = await api('GET', `/api/segments/${encodeURIComponent(segment)}/members?limit=100`);
  return (res.json.members as { profileId: string }[]).map((m) => m.profileId);
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('scores on the HTTP API', () => {
  it('lets a write key set no score, and lets the admin route set one that memberships follow', async () => {
    expect((await api('POST', '/api/segments', { name: 'likely buyers', rule: 'score("purchase") >= 0.7' })).status).toBe(201);
    const at = new Date().toISOString();
    expect((await ingest('/v1/track', { userId: 'ada', event: 'Score Updated', properties: { name: 'purchase', value: 0.95 }, timestamp: at })).status).toBe(200);
    const forged = await ingest('/v1/batch', { batch: [{ type: 'score', userId: 'ada', event: 'purchase', properties: { value: 0.95 } }] });
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.json)).toContain('INGEST_INVALID_TYPE');
    const byWriteKey = await api('PUT', '/api/profiles/ada/scores/purchase', { value: 0.95 }, basic());
    expect(byWriteKey.status).toBe(401);
    // The track above was accepted; wait until the engine has seen it, then check it moved nothing.
    await eventually(async () => expect((await api('GET', '/api/profiles/ada')).status).toBe(200));
    expect((await api('GET', '/api/profiles/ada/scores')).json.scores).toEqual([]);

    const set = await api('PUT', '/api/profiles/ada/scores/purchase', { value: 0.95 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ changed: true, score: { name: 'purchase', value: 0.95, version: 'external' } });
    await eventually(async () => expect(await members('likely buyers')).toEqual([set.json.profileId]));
    const listed = await api('GET', '/api/profiles/ada/scores');
    expect(listed.json.scores.map((s: any) => [s.name, s.value])).toEqual([['purchase', 0.95]]);
    const profile = await api('GET', '/api/profiles/ada');
    expect(profile.json.scores.map((s: any) => [s.name, s.value, s.version])).toEqual([['purchase', 0.95, 'external']]);

    expect((await api('PUT', '/api/profiles/ada/scores/purchase', { value: 0.95 })).json.changed).toBe(false);
    expect((await api('PUT', '/api/profiles/ada/scores/purchase', { value: 0.1 })).status).toBe(200);
    await eventually(async () => expect(await members('likely buyers')).toEqual([]));
  });

  it('refuses an unknown profile, a bad score name and a value that is not a number, changing nothing', async () => {
    const unknown = await api('PUT', '/api/profiles/nobody/scores/purchase', { value: 0.5 });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'PROFILE_NOT_FOUND']);
    const badName = await api('PUT', '/api/profiles/ada/scores/9lives', { value: 0.5 });
    expect([badName.status, badName.json.code, badName.json.field]).toEqual([422, 'SCORE_NAME_INVALID', 'name']);
    const badValue = await api('PUT', '/api/profiles/ada/scores/purchase', { value: 'high' });
    expect([badValue.status, badValue.json.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badAt = await api('PUT', '/api/profiles/ada/scores/purchase', { value: 0.5, at: 'yesterday' });
    expect(badAt.status).toBe(400);
    const listed = await api('GET', '/api/profiles/ada/scores');
    expect(listed.json.scores.map((s: any) => s.value)).toEqual([0.1]);
  });
});
