import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { yieldToEventLoop } from '../../core/index.js';
import { testStoreKinds } from '../../store/testing/index.js';

describe('/api/workflows', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const call = async (method: string, url: string, payload?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    t ??= await startTestApp();
    const res = await t.app.server.inject({ method: method as 'POST', url, headers: { authorization: t.adminAuth }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json() };
  };

  it('refuses a bad definition with problem+json listing every problem with its path, and saves nothing', async () => {
    const bad = await call('POST', '/api/workflows', {
      name: 'x',
      trigger: { entered: 'Nope' },
      steps: [{ id: 'a', wait: 'soon' }, { id: 'b', if: 'traits.age >== 3', then: [] }, { id: 'c', goto: 'c' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'WORKFLOW_INVALID', field: 'trigger.entered' });
    const errors = bad.body.errors as { code: string; path: string; ruleColumn?: number }[];
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['WF005', 'trigger.entered'],
      ['WF004', 'steps[0].wait'],
      [expect.stringMatching(/^RULE1/), 'steps[1].if'],
      ['WF009', 'steps[2].goto'],
    ]);
    // "traits.age >== 3": ">=" is read, the second "=" at column 14 is not.
    expect(errors[2]?.ruleColumn).toBe(14);
    expect((await call('GET', '/api/workflows')).body).toEqual({ workflows: [] });
  });

  it('saves versions, shows numbers per version, and answers 404 for unknown workflows and profiles', async () => {
    const def = { name: 'hello', trigger: { event: 'Signed Up' }, steps: [{ id: 'w', wait: '1d' }] };
    expect((await call('POST', '/api/workflows', def)).status).toBe(201);
    const again = await call('POST', '/api/workflows', def);
    expect(again.body).toMatchObject({ workflow: { version: 1, changed: false } });
    const v2 = await call('PUT', '/api/workflows/hello', { ...def, steps: [{ id: 'w', wait: '2d' }] });
    expect(v2.body).toMatchObject({ workflow: { version: 2, changed: true } });
    const shown = await call('GET', '/api/workflows/hello');
    expect((shown.body.versions as unknown[]).length).toBe(2);
    expect((await call('GET', '/api/workflows/nope')).body).toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    expect((await call('GET', '/api/workflows/hello/runs?profile=ghost')).body).toMatchObject({ code: 'PROFILE_NOT_FOUND', field: 'profile' });
    expect((await call('POST', '/api/workflows/hello/migrate', { fromVersion: 9 })).body).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_FOUND' });
    // each version's definition as saved, for the web app's version selector
    const first = await call('GET', '/api/workflows/hello/versions/1');
    expect(first.body).toMatchObject({ version: 1, definition: def, createdAt: expect.stringMatching(/^\d{4}-/) });
    expect((await call('GET', '/api/workflows/hello/versions/2')).body).toMatchObject({ version: 2, definition: { steps: [{ id: 'w', wait: '2d' }] } });
    const missing = await call('GET', '/api/workflows/hello/versions/9');
    expect(missing).toMatchObject({ status: 404, body: { code: 'WORKFLOW_VERSION_NOT_FOUND', field: 'version' } });
  });

  it.each(testStoreKinds())('counts per step how runs passed it: branches taken and actions by status (%s)', async (storeKind) => {
    t = await startTestApp({ storeKind });
    const def = {
      name: 'plans',
      trigger: { event: 'Signed Up' },
      steps: [
        { id: 'is-pro', if: 'traits.plan = "pro"', then: [{ id: 'tag-pro', set_trait: { tier: 'gold' } }], else: [{ id: 'tag-free', set_trait: { tier: 'basic' } }] },
        { id: 'rest', wait: '7d' },
      ],
    };
    expect((await call('POST', '/api/workflows', def)).status).toBe(201);
    const send = (body: unknown) => t!.app.server.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: t!.writeAuth }, payload: body as object });
    const people = [['a', 'pro'], ['b', 'free'], ['c', 'free']] as const;
    const res = await send({
      batch: people.flatMap(([userId, plan]) => [
        { type: 'identify', userId, traits: { plan } },
        { type: 'track', userId, event: 'Signed Up' },
      ]),
    });
    expect(res.statusCode).toBe(200);
    type Stats = { versions: { active: number; atStep: Record<string, number>; steps: Record<string, { outcomes: Record<string, number>; actions: Record<string, number> }> }[] };
    // the runtime works in the background: read until every trait action is settled (they go through ingestion);
    // no sleeping, each round only lets the event loop run
    let stats: Stats | undefined;
    for (let i = 0; i < 5_000; i++) {
      await t.app.settled();
      stats = (await call('GET', '/api/workflows/plans/stats')).body as unknown as Stats;
      const v = stats.versions[0]!;
      if (v.active === 3 && (v.steps['tag-pro']?.actions.sent ?? 0) + (v.steps['tag-free']?.actions.sent ?? 0) === 3) break;
      await yieldToEventLoop();
    }
    const v1 = stats!.versions[0]!;
    expect(v1.atStep).toEqual({ rest: 3 });
    expect(v1.steps['is-pro']?.outcomes).toEqual({ then: 1, else: 2 });
    expect(v1.steps['tag-pro']).toEqual({ outcomes: { action: 1 }, actions: { pending: 0, sent: 1, failed: 0 } });
    expect(v1.steps['tag-free']).toEqual({ outcomes: { action: 2 }, actions: { pending: 0, sent: 2, failed: 0 } });
    expect(v1.steps.rest?.outcomes).toEqual({ waiting: 3 });
  });

  it('simulates a scenario without side effects', async () => {
    const sim = await call('POST', '/api/workflows/simulate', {
      definition: { name: 'sim', trigger: { event: 'Product Added' }, goal: 'performed("Order Completed", within 1d)', steps: [{ id: 'w', wait: '1h' }, { id: 'w2', wait: '1h' }] },
      scenario: [
        { at: '2026-03-02T10:00:00Z', event: 'Product Added' },
        { at: '+90m', event: 'Order Completed' },
      ],
    });
    expect(sim.status).toBe(200);
    expect(sim.body).toMatchObject({ runs: [{ state: { exitCause: 'goal' } }], actions: [] });
    const badScenario = await call('POST', '/api/workflows/simulate', { definition: { name: 's', trigger: { event: 'A' }, steps: [{ id: 'a', wait: '1d' }] }, scenario: [{ at: 'yesterday', event: 'A' }] });
    expect(badScenario.body).toMatchObject({ code: 'WORKFLOW_SCENARIO_INVALID', field: 'scenario[0]' });
    expect((await call('GET', '/api/workflows')).body).toEqual({ workflows: [] });
  });
});
