import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { Engine, EngineSegmentService } from '../engine/index.js';
import { IngestService } from '../ingest/index.js';
import { SqlChangeLog } from '../membership/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { EMAIL_ELIGIBLE_SEGMENT } from './delivery-worker.js';
import { startDestinations, type RunningDestinations } from './start-destinations.js';
import { TestReceiver } from './testing/index.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describeEachStore('destinations end to end', (getStore) => {
  it('sends an entry driven by an email open and an exit when the person unsubscribes, through the real engine', async () => {
    const store = getStore();
    const clock = new FakeClock(Date.now());
    await store.workspaces.ensureDefault(clock.now());
    const changeLog = new SqlChangeLog(store.sql);
    const engine = new Engine({ store, clock, changeLog, tailIntervalMs: 0 });
    await engine.start();
    const ingest = new IngestService(store, { clock });
    ingest.onCommitted(() => engine.wake());
    const segments = new EngineSegmentService(store, engine, changeLog);
    const receiver = await TestReceiver.start();
    const metrics = new Registry();
    const running: { destinations?: RunningDestinations } = {};
    cleanup = async () => {
      await running.destinations?.stop();
      await engine.stop();
      await receiver.close();
    };
    const destinations = (running.destinations = await startDestinations({
      store,
      changeLog,
      segments,
      clock,
      env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' },
      metrics,
    }));
    expect((await segments.get('ws_default', EMAIL_ELIGIBLE_SEGMENT))?.ruleText).toBe('email_eligible');
    const openers = await segments.create('ws_default', { name: 'Recent openers', rule: 'performed("Email Opened", within 7d)' });
    expect(openers.ok).toBe(true);
    const created = await destinations.service.create('ws_default', {
      name: 'ESP list',
      url: `${receiver.origin}/esp`,
      segments: openers.ok ? [openers.value.id] : [],
      emailTargeting: true,
    });
    expect(created.ok).toBe(true);

    const send = async (message: Record<string, unknown>): Promise<void> => {
      await ingest.ingest('ws_default', [{ userId: 'ann', timestamp: new Date(clock.now()).toISOString(), ...message }], {
        receivedAt: clock.now(),
        source: 'test',
      });
      await engine.idle();
      await destinations.worker.tick();
    };
    await send({ type: 'identify', traits: { email: 'ann@example.com' } });
    await send({ type: 'track', event: 'Email Opened', properties: { sg_event_id: 'open-1' } });
    await send({ type: 'track', event: 'Unsubscribed', properties: { reason: 'sendgrid:unsubscribe' } });

    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as { type: string; data: { segment: { name: string }; profile: { email?: string; userId?: string }; cause: { kind: string } } });
    expect(bodies.map((b) => [b.type, b.data.segment.name, b.data.profile.userId, b.data.profile.email, b.data.cause.kind])).toEqual([
      ['segment.entered', 'Recent openers', 'ann', 'ann@example.com', 'event'],
      ['segment.exited', 'Recent openers', 'ann', 'ann@example.com', 'email_eligibility'],
    ]);
    expect(await metrics.metrics()).toContain('segflow_destination_attempts_total{outcome="delivered"} 2');

    // Another workspace gets the system segment with its first email-targeting destination.
    await store.workspaces.create({ id: 'ws_other', name: 'other', createdAt: clock.now() });
    expect(await segments.get('ws_other', EMAIL_ELIGIBLE_SEGMENT)).toBeUndefined();
    await destinations.service.create('ws_other', { name: 'x', url: `${receiver.origin}/x`, segments: 'all', emailTargeting: true });
    expect((await segments.get('ws_other', EMAIL_ELIGIBLE_SEGMENT))?.ruleText).toBe('email_eligible');
  });
});
