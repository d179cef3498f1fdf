import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { Engine } from '../engine/index.js';
import { EngineSegmentService } from '../engine/index.js';
import { EngineHarness, TEST_WORKSPACE } from '../engine/testing/engine-harness.js';
import { describeEachStore } from '../store/testing/index.js';
import { registerEngineMetrics } from './engine-metrics.js';

const T0 = Date.UTC(2026, 0, 1);

function valueOf(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} missing from:\n${text}`);
  return Number(line.split(' ')[1]);
}

describeEachStore('the engine\'s own metrics on /metrics', (getStore) => {
  it('report event → commit latency, timer lateness, lag, timers in memory, backfill progress and ownership from the engine itself', async () => {
    const registry = new Registry();
    const clock = new FakeClock(T0);
    const holder: { engine?: Engine } = {};
    const observer = registerEngineMetrics(registry, () => holder.engine?.stats(), () => clock.now());
    expect(registerEngineMetrics(registry, () => holder.engine?.stats(), () => clock.now())).toBe(observer);
    const h = new EngineHarness(getStore(), clock, { observer, backfill: { auto: false, profiles: 1 } });
    holder.engine = h.engine;
    await h.segment('recent', 'performed("Email Opened", within 30s)');
    await h.start();
    // Accepted 2 s before the engine evaluates it: the latency histogram sees 2 s.
    await getStore().events.append([
      {
        workspaceId: TEST_WORKSPACE,
        messageId: 'late-1',
        profileId: 'p1',
        type: 'track',
        name: 'Email Opened',
        userId: null,
        anonymousId: 'p1',
        timestamp: T0,
        receivedAt: T0 - 2000,
        properties: {},
        traits: {},
        context: {},
      },
    ]);
    h.engine.wake();
    await h.engine.idle();
    let text = await registry.metrics();
    expect(valueOf(text, 'segflow_engine_event_commit_seconds_count')).toBe(1);
    expect(valueOf(text, 'segflow_engine_event_commit_seconds_sum')).toBe(2);
    expect(valueOf(text, 'segflow_engine_lag_seconds')).toBe(0);
    expect(valueOf(text, 'segflow_engine_timers_in_memory')).toBe(1);
    expect(valueOf(text, 'segflow_engine_timers_overdue_seconds')).toBe(0);
    expect(text).toContain('segflow_engine_owned{kind="cursor",name="engine"} 1');
    expect(text).toContain('segflow_engine_owned_epoch{kind="cursor",name="engine"} 1');

    // The exit timer is due at +30 s; the clock jumps to +35 s before the engine wakes: 5 s late.
    clock.advance(35_000);
    expect(valueOf(await registry.metrics(), 'segflow_engine_timers_overdue_seconds')).toBe(5);
    h.engine.wake();
    await h.engine.idle();
    text = await registry.metrics();
    expect(valueOf(text, 'segflow_engine_timer_lateness_seconds_count')).toBe(1);
    expect(valueOf(text, 'segflow_engine_timer_lateness_seconds_sum')).toBe(5);

    const service = new EngineSegmentService(getStore(), h.engine, h.changeLog);
    await h.submit('p2', 'Email Opened');
    const created = await service.create(TEST_WORKSPACE, { name: 'openers', rule: 'performed("Email Opened")' }, { wait: false });
    const id = created.ok ? created.value.id : '';
    await h.engine.backfillSlice();
    text = await registry.metrics();
    expect(valueOf(text, 'segflow_engine_backfills_running')).toBe(1);
    expect(text).toContain(`segflow_engine_backfill_done_events{segment_id="${id}"} 1`);
    expect(text).toContain(`segflow_engine_backfill_total_events{segment_id="${id}"} 2`);
    while (await h.engine.backfillSlice());
    text = await registry.metrics();
    expect(valueOf(text, 'segflow_engine_backfills_running')).toBe(0);
    expect(text).not.toContain('segflow_engine_backfill_done_events{');

    await h.engine.stop();
    expect(await registry.metrics()).toContain('segflow_engine_owned{kind="cursor",name="engine"} 0');
  });
});
