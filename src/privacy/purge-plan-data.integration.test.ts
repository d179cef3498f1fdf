import { expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { purgePlanData } from './purge-plan-data.js';

const T0 = Date.UTC(2026, 5, 1);
const WS = 'ws_default';

describeEachStore('erasure of tracking-plan data', (getStore) => {
  it("removes the quarantined messages and violation samples that name the person, and nobody else's", async () => {
    const store = getStore();
    const sql = store.sql;
    await store.workspaces.ensureDefault(T0);
    for (const id of ['p_ada', 'p_bob']) {
      await sql.execute(`INSERT INTO profiles (workspace_id, id, traits, consent, created_at, updated_at) VALUES ($1, $2, '{}', '{}', $3, $3)`, [WS, id, T0]);
    }
    const identity = (kind: string, value: string, profileId: string) =>
      sql.execute('INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at) VALUES ($1, $2, $3, $4, $5)', [WS, kind, value, profileId, T0]);
    await identity('user_id', 'ada-1', 'p_ada');
    await identity('email', 'ada@example.org', 'p_ada');
    await identity('user_id', 'bob-1', 'p_bob');
    const quarantine = (messageId: string, message: object) =>
      sql.execute(
        `INSERT INTO tracking_plan_quarantine (workspace_id, message_id, message_type, event, message, meta, violations, quarantined_at)
         VALUES ($1, $2, 'track', 'Order Completed', $3, '{}', '[]', $4)`,
        [WS, messageId, JSON.stringify(message), T0],
      );
    await quarantine('m1', { type: 'track', userId: 'ada-1', event: 'Order Completed' });
    await quarantine('m2', { type: 'identify', anonymousId: 'x', traits: { email: 'ada@example.org' } });
    // "ada-1" inside another field is not an identifier of Ada's: matched exactly, never as a substring.
    await quarantine('m3', { type: 'track', userId: 'bob-1', event: 'Order Completed', properties: { note: 'ada-1' } });
    const samples = [
      { messageId: 'm1', at: T0, message: 'must be number' },
      { messageId: 'm9', at: T0, message: 'must match format "email"', value: 'ada@example.org' },
      { messageId: 'm3', at: T0, message: 'must be number', value: '12' },
    ];
    await sql.execute(
      `INSERT INTO tracking_plan_violations (workspace_id, message_type, event, kind, field, count, first_seen, last_seen, samples)
       VALUES ($1, 'track', 'Order Completed', 'Datatype-Mismatch', 'properties.total', 3, $2, $2, $3)`,
      [WS, T0, JSON.stringify(samples)],
    );

    const removed = await purgePlanData(sql, WS, ['p_ada']);

    expect(removed).toEqual({ tracking_plan_quarantine: 2, tracking_plan_violation_samples: 2 });
    const left = await sql.query<{ message_id: string }>('SELECT message_id FROM tracking_plan_quarantine WHERE workspace_id = $1', [WS]);
    expect(left.map((r) => r.message_id)).toEqual(['m3']);
    const [row] = await sql.query<{ samples: string }>('SELECT samples FROM tracking_plan_violations WHERE workspace_id = $1', [WS]);
    expect(JSON.parse(row!.samples)).toEqual([samples[2]]);
    expect(JSON.stringify(await sql.query('SELECT * FROM tracking_plan_violations'))).not.toContain('ada@example.org');
  });
});
