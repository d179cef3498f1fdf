/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
/**
 * Alerts over time on a fake clock, through the real app (engine, size history, alert service, signed webhook
 * and Slack-compatible delivery to a real HTTP receiver): a 60% drop of a segment against its trailing
 * baseline fires one alert per rule, later evaluations do not fire it again, and recovery resolves it once.
 * On both databases.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { FakeClock } from '../core/index.js';
import { TestReceiver } from '../destinations/testing/index.js';
import { testStoreKinds } from '../store/testing/index.js';

const HOUR = 3_600_000;
const WS = 'ws_default';

describe.each(testStoreKinds())('alerts on a fake clock (%s)', (storeKind) => {
  let t: TestApp;
  let clock: FakeClock;
  let receiver: TestReceiver;

  beforeAll(async () => {
    clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 5));
    receiver = await TestReceiver.start();
    t = await startTestApp({ storeKind, clock, env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' } });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const inject = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.app.server.inject({ method, url, headers: { authorization: url.startsWith('/v1') ? t.writeAuth : t.adminAuth }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, json: res.body === '' ? null : (JSON.parse(res.body) as any) };
  };

  /** Waits until the engine has evaluated everything ingested and the size history has folded the changes. */
  const settle = async (): Promise<void> => {
    // A dry run queues behind the engine's pending work (one task queue), so it returns after that work.
    await t.app.services.segments!.dryRun(WS, { name: 'barrier', rule: 'traits.active = true' });
    await t.app.services.monitor!.idle();
  };

  const setActive = async (users: readonly number[], active: boolean): Promise<void> => {
    const batch = users.map((i) => ({ type: 'identify', userId: `user-${i}`, traits: { active }, timestamp: new Date(clock.now()).toISOString() }));
    expect((await inject('POST', '/v1/batch', { batch })).status).toBe(200);
    await settle();
  };

  const firing = async () => (await inject('GET', '/api/alerts?state=firing')).json.alerts as { ruleId: string; message: string; link: string }[];

  it('refuses an alert rule on an unknown segment, and other invalid rules, changing nothing', async () => {
    const unknown = await inject('POST', '/api/alerts/rules', { name: 'x', kind: 'segment_size_change', segment: 'Nope', threshold: 50, destination: { kind: 'webhook', url: `${receiver.origin}/a` } });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ code: 'ALERT_SEGMENT_NOT_FOUND', field: 'segment' });
    const badKind = await inject('POST', '/api/alerts/rules', { name: 'x', kind: 'weather', threshold: 1, destination: { kind: 'slack', url: `${receiver.origin}/a` } });
    expect(badKind.json).toMatchObject({ code: 'ALERT_RULE_INVALID', field: 'kind' });
    const internal = await inject('POST', '/api/alerts/rules', { name: 'x', kind: 'no_events', threshold: 30, destination: { kind: 'slack', url: 'http://169.254.169.254/latest' } });
    expect(internal.json).toMatchObject({ code: 'ALERT_RULE_INVALID', field: 'destination.url' });
    expect((await inject('GET', '/api/alerts/rules')).json.rules).toEqual([]);
  });

  it('fires one alert when a segment drops 60% against its baseline, and resolves it once on recovery', async () => {
    const created = await inject('POST', '/api/segments', { name: 'Active', rule: 'traits.active = true' });
    expect(created.status).toBe(201);
    await setActive([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], true);

    const webhook = await inject('POST', '/api/alerts/rules', {
      name: 'Active moved',
      kind: 'segment_size_change',
      segment: 'Active',
      threshold: 50,
      destination: { kind: 'webhook', url: `${receiver.origin}/alerts` },
    });
    expect(webhook.status).toBe(201);
    expect(webhook.json.secret).toMatch(/^whsec_/);
    const slack = await inject('POST', '/api/alerts/rules', {
      name: 'Active moved (Slack)',
      kind: 'segment_size_change',
      segment: 'Active',
      threshold: 50,
      baselineHours: 6,
      destination: { kind: 'slack', url: `${receiver.origin}/slack` },
    });
    expect(slack.status).toBe(201);
    expect(slack.json.secret).toBeUndefined();

    // Less than an hour of history: no baseline, nothing fires.
    await t.app.services.alerts!.tick();
    clock.advance(3 * HOUR);
    await settle();
    await t.app.services.alerts!.tick();
    expect(await firing()).toEqual([]);

    // 6 of 10 leave: −60% against a baseline of 10.
    await setActive([0, 1, 2, 3, 4, 5], false);
    await t.app.services.alerts!.tick();
    const open = await firing();
    expect(open).toHaveLength(2);
    expect(open.map((a) => a.message).sort()).toEqual([
      'Active moved (Slack): segment "Active" fell 60% to 4 members against its 3-hour average of 10',
      'Active moved: segment "Active" fell 60% to 4 members against its 3-hour average of 10',
    ]);
    expect(receiver.requests).toHaveLength(2);

    // Later evaluations while still down: nothing new.
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * 60_000);
      await t.app.services.alerts!.tick();
    }
    expect(await firing()).toHaveLength(2);
    expect(receiver.requests).toHaveLength(2);

    // Partial recovery into the hysteresis band (5 members, −50%: not above 50, not down to 40): stays firing.
    await setActive([5], true);
    await t.app.services.alerts!.tick();
    expect(await firing()).toHaveLength(2);

    // Full recovery: each alert resolves, once.
    await setActive([0, 1, 2, 3, 4], true);
    await t.app.services.alerts!.tick();
    await t.app.services.alerts!.tick();
    clock.advance(10 * 60_000);
    await t.app.services.alerts!.tick();
    expect(await firing()).toEqual([]);
    const all = (await inject('GET', '/api/alerts')).json.alerts as { state: string; resolvedAt: string | null }[];
    expect(all).toHaveLength(2);
    expect(all.every((a) => a.state === 'resolved' && a.resolvedAt !== null)).toBe(true);
    expect(receiver.requests).toHaveLength(4);

    const hooks = receiver.requests.filter((r) => r.path === '/alerts');
    expect(hooks.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['alert.fired', 'alert.resolved']);
    const fired = JSON.parse(hooks[0]!.body) as { alert: { link: string; value: number; rule: { kind: string } } };
    expect(fired.alert).toMatchObject({ value: 60, rule: { kind: 'segment_size_change' } });
    expect(fired.alert.link).toMatch(/\/segments\/Active$/);
    const key = Buffer.from(String(webhook.json.secret).replace(/^whsec_/, ''), 'base64');
    const h = hooks[0]!.headers;
    const expected = createHmac('sha256', key).update(`${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${hooks[0]!.body}`).digest('base64');
    expect(String(h['webhook-signature'])).toBe(`v1,${expected}`);

    const texts = receiver.requests.filter((r) => r.path === '/slack').map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^:rotating_light: Alert — Active moved \(Slack\): segment "Active" fell 60%.*<http[^|]*\/segments\/Active\|Open segment>$/);
    expect(texts[1]).toMatch(/^:white_check_mark: Resolved — /);
  });

  it('fires when no event arrives for N minutes and resolves when events flow again', async () => {
    const rule = await inject('POST', '/api/alerts/rules', { name: 'Quiet', kind: 'no_events', threshold: 30, destination: { kind: 'slack', url: `${receiver.origin}/quiet` } });
    expect(rule.status).toBe(201);
    clock.advance(29 * 60_000);
    await t.app.services.alerts!.tick();
    expect((await inject('GET', '/api/alerts?rule=Quiet&state=firing')).json.alerts).toEqual([]);
    clock.advance(2 * 60_000);
    await t.app.services.alerts!.tick();
    expect((await inject('GET', '/api/alerts?rule=Quiet&state=firing')).json.alerts).toHaveLength(1);
    await setActive([7], true);
    await t.app.services.alerts!.tick();
    expect((await inject('GET', '/api/alerts?rule=Quiet')).json.alerts).toEqual([expect.objectContaining({ state: 'resolved' })]);
    expect(receiver.requests.filter((r) => r.path === '/quiet')).toHaveLength(2);
    expect((await inject('DELETE', '/api/alerts/rules/Quiet')).status).toBe(204);
    expect((await inject('GET', '/api/alerts/rules/Quiet')).json).toMatchObject({ code: 'ALERT_RULE_NOT_FOUND' });
  });

  it('edits a rule with PATCH: the new threshold decides the next evaluation, invalid changes change nothing, and the audit log keeps before and after', async () => {
    const created = await inject('POST', '/api/alerts/rules', { name: 'Silence', kind: 'no_events', threshold: 600, destination: { kind: 'slack', url: `${receiver.origin}/silence` } });
    expect(created.status).toBe(201);
    expect((await inject('POST', '/api/alerts/rules', { name: 'Other', kind: 'dead_letters', threshold: 5, destination: { kind: 'slack', url: `${receiver.origin}/o` } })).status).toBe(201);
    clock.advance(20 * 60_000);
    await t.app.services.alerts!.tick();
    expect((await inject('GET', '/api/alerts?rule=Silence&state=firing')).json.alerts).toEqual([]);

    // Refused changes: each names its field, and the rule stays as it was.
    const refusals = [
      [{ kind: 'dead_letters' }, 422, 'ALERT_RULE_INVALID', 'kind'],
      [{ threshold: -1 }, 422, 'ALERT_RULE_INVALID', 'threshold'],
      [{ color: 'red' }, 422, 'ALERT_RULE_INVALID', 'color'],
      [{ segment: 'Active' }, 422, 'ALERT_RULE_INVALID', 'segment'],
      [{ destination: { kind: 'slack', url: 'http://169.254.169.254/x' } }, 422, 'ALERT_RULE_INVALID', 'destination.url'],
      [{ name: 'Other' }, 409, 'ALERT_RULE_NAME_TAKEN', 'name'],
    ] as const;
    for (const [body, status, code, field] of refusals) {
      const res = await inject('PATCH', '/api/alerts/rules/Silence', body);
      expect(res.status).toBe(status);
      expect(res.json).toMatchObject({ code, field });
    }
    expect((await inject('PATCH', '/api/alerts/rules/Nobody', { threshold: 5 })).json).toMatchObject({ code: 'ALERT_RULE_NOT_FOUND' });
    expect((await inject('GET', '/api/alerts/rules/Silence')).json).toMatchObject({ name: 'Silence', kind: 'no_events', threshold: 600, destination: { kind: 'slack' } });

    // A lower threshold: the next evaluation fires. A webhook destination answers its secret, once.
    const edited = await inject('PATCH', '/api/alerts/rules/Silence', { threshold: 15, name: 'Silence (15 min)', destination: { kind: 'webhook', url: `${receiver.origin}/silence-hook` } });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ id: created.json.id, name: 'Silence (15 min)', threshold: 15, destination: { kind: 'webhook' } });
    expect(edited.json.secret).toMatch(/^whsec_/);
    expect((await inject('PATCH', `/api/alerts/rules/${created.json.id as string}`, { threshold: 16 })).json.secret).toBeUndefined();
    await t.app.services.alerts!.tick();
    expect((await inject('GET', `/api/alerts?rule=${created.json.id as string}&state=firing`)).json.alerts).toHaveLength(1);
    const hook = receiver.requests.find((r) => r.path === '/silence-hook');
    expect(JSON.parse(hook!.body)).toMatchObject({ type: 'alert.fired', alert: { rule: { name: 'Silence (15 min)', threshold: 16 } } });

    const audit = (await inject('GET', '/api/audit?limit=1000')).json.entries as { method: string; route: string; status: number; detail: any }[];
    const patches = audit.filter((e) => e.method === 'PATCH' && e.route === '/api/alerts/rules/:id');
    expect(patches.length).toBe(refusals.length + 3);
    expect(patches.filter((e) => e.status === 200).map((e) => [e.detail.before.threshold, e.detail.after.threshold])).toEqual([
      [600, 15],
      [15, 16],
    ]);
  });
});
