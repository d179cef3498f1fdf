import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { registerSystemGauges } from './system-gauges.js';

function valueOf(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} missing from:\n${text}`);
  return Number(line.split(' ')[1]);
}

describeEachStore('system gauges on /metrics', (getStore) => {
  it('report engine lag, timers due and pending, and the heads of both logs from the database', async () => {
    const store = getStore();
    const clock = new FakeClock(1_000_000);
    await store.events.append(
      [1, 2, 3].map((i) => ({
        workspaceId: 'ws',
        messageId: `m${i}`,
        profileId: 'p',
        type: 'track' as const,
        name: 'E',
        userId: 'u',
        anonymousId: null,
        timestamp: i,
        receivedAt: i,
        properties: {},
        traits: {},
        context: {},
      })),
    );
    const head = (await store.events.readLog(0, 10)).at(-1)!.seq;
    await store.sql.execute(`INSERT INTO engine_cursors (name, seq) VALUES ('engine', $1)`, [head - 2]);
    for (const [profile, due] of [['a', 999_000], ['b', 1_000_000], ['c', 1_000_001]] as const) {
      await store.sql.execute(`INSERT INTO engine_timers (segment_id, profile_id, workspace_id, due_at) VALUES ('s', $1, 'ws', $2)`, [profile, due]);
    }
    const registry = new Registry();
    registerSystemGauges(registry, { sql: store.sql, clock });
    registerSystemGauges(registry, { sql: store.sql, clock });
    const text = await registry.metrics();
    expect(valueOf(text, 'segflow_engine_lag_events')).toBe(2);
    expect(valueOf(text, 'segflow_engine_timers_due')).toBe(2);
    expect(valueOf(text, 'segflow_engine_timers_pending')).toBe(1);
    expect(valueOf(text, 'segflow_event_log_head')).toBe(head);
    expect(valueOf(text, 'segflow_change_log_head')).toBe(0);
  });
});
