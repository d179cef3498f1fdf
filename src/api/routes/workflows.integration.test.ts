import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

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
    const badScenario = await call('POST', '/api/workflows/simulate', { definition: { name: 's', trigger: { event: 'A' }, steps: [] }, scenario: [{ at: 'yesterday', event: 'A' }] });
    expect(badScenario.body).toMatchObject({ code: 'WORKFLOW_SCENARIO_INVALID', field: 'scenario[0]' });
    expect((await call('GET', '/api/workflows')).body).toEqual({ workflows: [] });
  });
});
