import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { testStoreKinds, type StoreKind } from '../store/testing/index.js';
import { isPublicApiPath } from './admin-auth.js';
import { isSignInRequest } from './session/index.js';
import { routesOf } from './testing/registered-routes.js';

// Workspace A (the default workspace) holds data whose every text contains "isoA"; workspace B is created
// through the API. Every admin route that is registered — including routes other areas add later — is called
// with B's admin key and A's identifiers in every parameter, query and body. B must never see A's data (no
// response contains an identifier of A that B did not send itself) and A must be exactly as before.
let t: TestApp;
let b: { adminKey: string; writeKey: string };
const a = { segmentId: '', destinationId: '', profileId: '', experimentId: '', workflowId: '', keyIds: [] as string[] };

const call = async (method: string, url: string, key: string, body?: unknown): Promise<{ status: number; text: string }> => {
  // Real HTTP, so that streaming routes (SSE) can be read for a moment and then cut.
  const abort = new AbortController();
  const res = await fetch(`${t.app.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: abort.signal,
  });
  let text = '';
  if (res.body) {
    const reader = res.body.getReader();
    const cut = setTimeout(() => abort.abort(), 500);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
    } catch {
      // The stream was cut: what arrived is what B could read.
    } finally {
      clearTimeout(cut);
    }
  }
  return { status: res.status, text };
};

async function snapshotOfA(): Promise<Record<string, unknown>> {
  // The engine's own work (a cluster's partition engines apply A's events asynchronously) is not B's doing.
  await t.app.settled();
  const get = async (url: string) => {
    const res = await t.app.server.inject({ method: 'GET', url, headers: { authorization: t.adminAuth } });
    return { status: res.statusCode, body: res.json() as unknown };
  };
  // Sizes and delivery progress move by themselves (the engine, retries to the unreachable hook); they are
  // not A's configuration.
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (k, v: unknown) => (['size', 'counts', 'lastSeen', 'lastSeenAt', 'state', 'cursorSeq', 'failingSince', 'lastError', 'lastErrorAt', 'consecutiveDeadLetters'].includes(k) ? undefined : v));
  return {
    segments: strip(await get('/api/segments?system=true')),
    destinations: strip(await get('/api/destinations')),
    profile: strip(await get('/api/profiles/user_id:isoA-user')),
    scores: await get('/api/profiles/user_id:isoA-user/scores'),
    esp: await get('/api/settings/esp'),
    keys: await get('/api/keys'),
    members: await get(`/api/segments/${a.segmentId}/members`),
    experiments: strip(await get('/api/experiments')),
    workflows: strip(await get('/api/workflows')),
  };
}


async function seed(storeKind: StoreKind): Promise<void> {
  t = await startTestApp({ listen: true, storeKind, env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' } });
  const asA = (method: string, url: string, payload?: unknown) =>
    t.app.server.inject({ method: method as 'POST', url, headers: { authorization: t.adminAuth }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ingestA = (url: string, payload: object) => t.app.server.inject({ method: 'POST', url, headers: { authorization: t.writeAuth }, payload });
  expect((await ingestA('/v1/identify', { userId: 'isoA-user', traits: { email: 'isoa@example.com', plan: 'isoA-plan' } })).statusCode).toBe(200);
  expect((await ingestA('/v1/track', { userId: 'isoA-user', event: 'isoA Event', properties: { note: 'isoA-note' } })).statusCode).toBe(200);
  const segment = await asA('POST', '/api/segments', { name: 'isoA-segment', rule: 'traits.plan = "isoA-plan"' });
  expect(segment.statusCode).toBe(201);
  a.segmentId = segment.json<{ segment: { id: string } }>().segment.id;
  const destination = await asA('POST', '/api/destinations', { name: 'isoA-destination', url: 'http://127.0.0.1:9/isoA-hook', segments: 'all' });
  expect(destination.statusCode).toBe(201);
  a.destinationId = destination.json<{ id: string }>().id;
  expect((await asA('PUT', '/api/settings/esp/mailgun', { signingKey: 'isoA-mailgun-signing-key' })).statusCode).toBeLessThan(300);
  expect((await asA('PUT', '/api/profiles/user_id:isoA-user/scores/isoA_score', { value: 0.25 })).statusCode).toBe(200);
  a.profileId = (await asA('GET', '/api/profiles/user_id:isoA-user')).json<{ id: string }>().id;
  expect(a.profileId).toMatch(/^prof_/);
  const experiment = await asA('POST', '/api/experiments', {
    name: 'isoA-experiment',
    control: 'short',
    arms: [
      { name: 'short', rule: 'performed("isoA Event", within 1d)', weight: 50 },
      { name: 'long', rule: 'performed("isoA Event", within 7d)', weight: 50 },
    ],
    metrics: [{ kind: 'conversion', name: 'isoA-metric', event: '"isoA Event"', window: '7d' }],
  });
  expect(experiment.statusCode).toBe(201);
  a.experimentId = experiment.json<{ experiment: { id: string } }>().experiment.id;
  const workflow = await asA('POST', '/api/workflows', { name: 'isoA-workflow', trigger: { event: 'isoA Event' }, steps: [{ id: 'isoA-wait', wait: '1d' }] });
  expect(workflow.statusCode).toBe(201);
  a.workflowId = workflow.json<{ workflow: { id: string } }>().workflow.id;
  a.keyIds = (await asA('GET', '/api/keys')).json<{ keys: { id: string }[] }>().keys.map((k) => k.id);
  const created = await asA('POST', '/api/workspaces', { name: 'Workspace B' });
  expect(created.statusCode).toBe(201);
  b = created.json<{ adminKey: string; writeKey: string }>();
}

/** What each route parameter is tried with: every identifier of A that could fit it. */
function candidates(param: string): string[] {
  switch (param) {
    case 'ref':
    case 'profile':
      return [a.profileId, 'user_id:isoA-user', 'email:isoa@example.com'];
    case 'name':
      return ['isoA_score', 'isoA-segment'];
    case 'provider':
      return ['mailgun'];
    case 'id':
      return [a.segmentId, 'isoA-segment', a.destinationId, a.profileId, 'user_id:isoA-user', a.experimentId, 'isoA-experiment', a.workflowId, 'isoA-workflow', ...a.keyIds];
    default:
      return ['isoA-other'];
  }
}

function urlsFor(pattern: string): string[] {
  let urls = [pattern];
  for (const match of pattern.matchAll(/(:[A-Za-z]+\|?)+/g)) {
    const names = match[0].split('|').map((p) => p.replace(/^:/, ''));
    const values = [...new Set(names.flatMap(candidates))];
    urls = urls.flatMap((u) => values.map((v) => u.replace(match[0], encodeURIComponent(v))));
  }
  return urls.map((u) => u.replace(/\*$/, 'isoA'));
}

const QUERIES = ['', '?q=isoA', '?profile=user_id%3AisoA-user', `?segment=isoA-segment`, '?after=0', '?system=true'];
const BODY = () => ({
  name: 'isoA-segment',
  rule: 'in_segment("isoA-segment")',
  segments: [a.segmentId],
  url: 'http://127.0.0.1:9/isoB',
  kind: 'write',
  value: 1,
  fromSeq: 0,
  toSeq: 1_000_000,
  profile: a.profileId,
  userId: 'isoA-user',
});

describe.each(testStoreKinds())('workspace isolation on %s', (storeKind) => {
  beforeAll(() => seed(storeKind));
  afterAll(async () => {
    await t?.close();
  });

  it('gives a key of another workspace nothing of this one on any admin route, and lets it change nothing here', async () => {
    const before = await snapshotOfA();
    // Strings only A's data holds and B never sends (B's requests carry A's ids and names, which B may see
    // echoed back); the ids count too wherever B did not send them.
    const markers = ['isoA-plan', 'isoA Event', 'isoA-note', 'isoA-hook', 'isoA-destination', 'isoA-mailgun', 'isoA-metric', 'isoA-wait', 'sfa_test', 'sfw_test', a.segmentId, a.destinationId, a.profileId, a.experimentId, a.workflowId, ...a.keyIds];
    // The markers are visible to A's own key, so their absence below means something.
    const ownView = await Promise.all(['/api/segments', '/api/destinations', '/api/profiles/user_id:isoA-user', '/api/keys', '/api/profiles?q=isoA', '/api/experiments', '/api/workflows'].map((u) => call('GET', u, t.adminKey)));
    for (const marker of ['isoA-plan', 'isoA Event', 'isoA-hook', 'sfa_test', 'isoA-metric', 'isoA-workflow']) expect(ownView.map((r) => r.text).join()).toContain(marker);
    const routes = routesOf(t.app.server.printRoutes({ commonPrefix: false })).filter(
      (r) => r.url.startsWith('/api/') && !isPublicApiPath(r.url) && !isSignInRequest(r.method, r.url) && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    expect(routes.length).toBeGreaterThan(40);
    const problems: string[] = [];
    let calls = 0;
    // Everything B has sent so far: B may see it again (in its own audit log, in echoed "not found" details).
    let sentByB = '';
    for (const route of routes) {
      for (const url of urlsFor(route.url)) {
        const variants = route.method === 'GET' ? QUERIES.map((q) => `${url}${q}`) : [url];
        for (const target of variants) {
          const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : BODY();
          sentByB += decodeURIComponent(target) + JSON.stringify(body ?? '');
          const res = await call(route.method, target, b.adminKey, body);
          calls++;
          if (res.status >= 500) problems.push(`${route.method} ${target} → ${res.status}`);
          const leaked = markers.filter((m) => res.text.includes(m) && !sentByB.includes(m));
          if (leaked.length > 0) problems.push(`${route.method} ${target} → ${res.status} shows ${leaked.join(', ')}: ${res.text.slice(0, 200)}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(200);
    expect(problems).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('keeps ingestion apart: the same userId sent with the other workspace\'s write key is another person', async () => {
    const before = await snapshotOfA();
    const res = await t.app.server.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: `Basic ${Buffer.from(`${b.writeKey}:`).toString('base64')}` },
      payload: { userId: 'isoA-user', traits: { plan: 'changed-by-B' } },
    });
    expect(res.statusCode).toBe(200);
    expect(await snapshotOfA()).toEqual(before);
    const seenByB = await call('GET', '/api/profiles/user_id:isoA-user', b.adminKey);
    expect(seenByB.text).toContain('changed-by-B');
    expect(seenByB.text).not.toContain('isoA-plan');
  });
});
