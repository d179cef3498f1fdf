import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

const definition = {
  name: 'abandon threshold',
  control: '1h',
  arms: [
    { name: '1h', rule: '"Product Added" then not "Order Completed" within 1h', weight: 45 },
    { name: '72h', rule: '"Product Added" then not "Order Completed" within 72h', weight: 45 },
    { name: 'holdout', rule: '"Product Added" then not "Order Completed" within 1h', weight: 10, holdout: true },
  ],
  metrics: [{ kind: 'conversion', name: 'purchase', event: '"Order Completed"', window: '7d' }],
};

describe('the experiments API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close();
  });
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.server.inject({ method, url, headers: { authorization: t.adminAuth }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('creates an experiment with hidden arm segments, and answers 200 unchanged for the same definition', async () => {
    const created = await call('POST', '/api/experiments', definition);
    expect(created.statusCode).toBe(201);
    expect(created.json().experiment.armSegments).toEqual({ '1h': '__exp:abandon threshold:1h', '72h': '__exp:abandon threshold:72h', holdout: '__exp:abandon threshold:holdout' });
    expect((await call('POST', '/api/experiments', definition)).statusCode).toBe(200);
    const segments = await call('GET', '/api/segments');
    expect(segments.json().segments).toEqual([]);
    const system = await call('GET', '/api/segments?system=true');
    expect(system.json().segments.map((s: { name: string }) => s.name)).toContain('__exp:abandon threshold:72h');
  });

  it('refuses a changed definition under the same name with 409 EXPERIMENT_CHANGED', async () => {
    await call('POST', '/api/experiments', definition);
    const changed = await call('POST', '/api/experiments', { ...definition, arms: definition.arms.map((a) => ({ ...a, weight: 1 })) });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('EXPERIMENT_CHANGED');
  });

  it('refuses an invalid definition with 422, the offending field and every problem, and creates nothing', async () => {
    const bad = await call('POST', '/api/experiments', { ...definition, control: 'holdout', metrics: [{ kind: 'conversion', name: 'x', event: 'Order', window: '7 days' }] });
    expect(bad.statusCode).toBe(422);
    const body = bad.json();
    expect(body.code).toBe('EXPERIMENT_INVALID');
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['control', 'metrics[0].event', 'metrics[0].window']);
    expect((await call('GET', '/api/experiments')).json().experiments).toEqual([]);
    expect((await call('GET', '/api/segments?system=true')).json().segments.filter((s: { name: string }) => s.name.startsWith('__exp:'))).toEqual([]);
  });

  it('refuses an arm rule that does not parse, naming the rule field of that arm', async () => {
    const bad = await call('POST', '/api/experiments', { ...definition, arms: [definition.arms[0], { ...definition.arms[1], rule: 'performed(' }] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().field).toBe('arms[1].rule');
  });

  it('reports an experiment with no exposures yet without failing, and 404s an unknown one', async () => {
    await call('POST', '/api/experiments', definition);
    const report = await call('GET', '/api/experiments/abandon%20threshold/report');
    expect(report.statusCode).toBe(200);
    const body = report.json();
    expect(body.arms.map((a: { arm: string; n: number }) => [a.arm, a.n])).toEqual([
      ['1h', 0],
      ['72h', 0],
      ['holdout', 0],
    ]);
    expect(body.verdict[0]).toBe('72h vs 1h on purchase: not enough data yet.');
    expect(body.srm.mismatch).toBe(false);
    const missing = await call('GET', '/api/experiments/nope/report');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('EXPERIMENT_NOT_FOUND');
  });

  it('answers the people needed per arm for a rate and a lift, and refuses a lift that leaves (0, 1)', async () => {
    const res = await call('GET', '/api/experiments/sample-size?rate=0.03&lift=0.1');
    expect(res.statusCode).toBe(200);
    // docs/experiments.md: "to detect +10% on a 3% rate you need 53,211 per arm" (alpha 0.05, power 0.8)
    expect(res.json()).toMatchObject({ rate: 0.03, lift: 0.1, alpha: 0.05, power: 0.8, perArm: 53_211 });
    expect((await call('GET', '/api/experiments/sample-size?rate=0.03&lift=0.1&power=0.9')).json().perArm).toBeGreaterThan(53_211);
    const tooBig = await call('GET', '/api/experiments/sample-size?rate=0.6&lift=1');
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'lift' });
    const noRate = await call('GET', '/api/experiments/sample-size?lift=0.1');
    expect(noRate.statusCode).toBe(400);
    expect(noRate.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('stops an experiment: its arm segments go, the report stays', async () => {
    await call('POST', '/api/experiments', definition);
    const stopped = await call('POST', '/api/experiments/abandon%20threshold/stop');
    expect(stopped.json().experiment.status).toBe('stopped');
    expect((await call('GET', '/api/segments?system=true')).json().segments.filter((s: { name: string }) => s.name.startsWith('__exp:'))).toEqual([]);
    expect((await call('GET', '/api/experiments/abandon%20threshold/report')).statusCode).toBe(200);
  });
});
