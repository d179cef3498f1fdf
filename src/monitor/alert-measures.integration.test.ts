/**
 * What alert rules measure, from the real tables on both databases: dead letters and the delivery failure rate
 * from the delivery outbox, the ingestion → change lag from the event log and the engine cursor, and
 * tracking-plan violations per minute; and the repository's guarantee of one open alert per rule.
 */
import { expect, it } from 'vitest';
import { secretCipher } from '../destinations/index.js';
import { SqlChangeLog } from '../membership/index.js';
import { partitionOf } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { TrackingPlanRepoSql } from '../tracking-plan/index.js';
import { AlertMeasuresSql } from './alert-measures-sql.js';
import { AlertRepoSql } from './alert-repo-sql.js';
import type { AlertKind, AlertRule } from './alert-rule.js';
import { DataCatalog } from './data-catalog.js';
import { SizeHistory } from './size-history.js';
import { unreadSql } from './workspace-activity-sql.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MIN = 60_000;

function rule(kind: AlertKind, params: AlertRule['params'], id = `r_${kind}`): AlertRule {
  return { id, workspaceId: 'ws', name: id, kind, segmentId: null, params, destination: { kind: 'slack', url: 'https://example.com/x' }, secret: 'whsec_x', createdAt: T0 - 60 * MIN, updatedAt: T0 };
}

describeEachStore('alert measurements', (getStore) => {
  it("seals a webhook rule's signing secret at rest with the secret key and opens it on read", async () => {
    const store = getStore();
    const repo = new AlertRepoSql(store.sql, secretCipher('a-test-key-of-sufficient-length'));
    const hook: AlertRule = { ...rule('dead_letters', { threshold: 1 }, 'r_sealed'), destination: { kind: 'webhook', url: 'https://example.com/h' }, secret: 'whsec_c2VhbGVkLXNlY3JldA==' };
    expect(await repo.createRule(hook)).toBe(true);
    const [raw] = await store.sql.query<{ destination: string }>("SELECT destination FROM alert_rules WHERE id = 'r_sealed'");
    expect(String(raw!.destination)).not.toContain('c2VhbGVkLXNlY3JldA');
    expect((await repo.rules('ws')).find((r) => r.id === 'r_sealed')?.secret).toBe(hook.secret);
  });

  it('counts dead letters and the failed share of recent delivery attempts', async () => {
    const store = getStore();
    const measures = new AlertMeasuresSql(store.sql, new SizeHistory(store.sql, new SqlChangeLog(store.sql)));
    const delivery = (id: string, status: string) =>
      store.sql.execute(
        `INSERT INTO destination_deliveries (id, destination_id, workspace_id, seq, sub, profile_id, segment_id, kind, payload, status, attempts, total_attempts, next_attempt_at, window_start, created_at, updated_at)
         VALUES ($1, 'd1', 'ws', $2, 0, 'p', 's', 'entered', '{}', $3, 1, 1, 0, 0, 0, 0)`,
        [id, Number(id.slice(1)), status],
      );
    const attempt = (id: string, n: number, at: number, outcome: string) =>
      store.sql.execute('INSERT INTO destination_attempts (delivery_id, n, started_at, duration_ms, status, outcome, error) VALUES ($1, $2, $3, 5, 500, $4, NULL)', [id, n, at, outcome]);
    await delivery('d1', 'delivered');
    await delivery('d2', 'dead');
    await delivery('d3', 'dead');
    for (let n = 1; n <= 6; n++) await attempt('d1', n, T0 - 5 * MIN, n === 6 ? 'delivered' : 'retry');
    for (let n = 1; n <= 4; n++) await attempt('d2', n, T0 - 2 * MIN, n === 4 ? 'dead' : 'retry');
    await attempt('d3', 1, T0 - 60 * MIN, 'dead'); // outside the window

    expect((await measures.measure(rule('dead_letters', { threshold: 0 }), '', T0))?.value).toBe(2);
    const rate = await measures.measure(rule('delivery_failure_rate', { threshold: 50, windowMinutes: 15 }), '', T0);
    expect(rate?.value).toBe(90); // 9 of 10 attempts in the window failed
    expect(await measures.measure(rule('delivery_failure_rate', { threshold: 50, windowMinutes: 15, minAttempts: 11 }), '', T0)).toBeUndefined();
  });

  it('measures the wait of the oldest event the engine has not reached', async () => {
    const store = getStore();
    const measures = new AlertMeasuresSql(store.sql, new SizeHistory(store.sql, new SqlChangeLog(store.sql)));
    const event = (id: string, receivedAt: number) =>
      store.events.append([
        { workspaceId: 'ws', messageId: id, profileId: 'p', type: 'track', name: 'E', userId: null, anonymousId: null, timestamp: receivedAt, receivedAt, properties: {}, traits: {}, context: {} },
      ]);
    // A partitioned log (a new PostgreSQL database) keeps one engine cursor per partition: profile p's.
    const cursorName = (await store.events.partitions()) > 1 ? `engine:p${partitionOf('p', await store.events.partitions())}` : 'engine';
    await event('m1', T0 - 30_000);
    await event('m2', T0 - 20_000);
    const lag = rule('change_lag', { threshold: 10 });
    expect((await measures.measure(lag, '', T0))?.value).toBe(30);
    const [first] = await store.sql.query<{ seq: number }>("SELECT MIN(seq) AS seq FROM events WHERE message_id IN ('m1', 'm2')");
    await store.sql.execute('INSERT INTO engine_cursors (name, seq) VALUES ($1, $2)', [cursorName, Number(first!.seq)]);
    expect((await measures.measure(lag, '', T0))?.value).toBe(20);
    await store.sql.execute('UPDATE engine_cursors SET seq = seq + 1 WHERE name = $1', [cursorName]);
    expect((await measures.measure(lag, '', T0))?.value).toBe(0);
    expect((await measures.measure(rule('no_events', { threshold: 5 }), '', T0 + 10 * MIN))?.value).toBeCloseTo(10 + 20 / 60, 5);
  });

  it('measures no_events for a quiet workspace beside a busy one from the activity the log follower notes, plus the events past its cursor, by a bounded scan', async () => {
    const store = getStore();
    const measures = new AlertMeasuresSql(store.sql, new SizeHistory(store.sql, new SqlChangeLog(store.sql)));
    const events = (workspaceId: string, n: number, receivedAt: number, prefix: string) =>
      store.events.append(
        Array.from({ length: n }, (_, i) => ({
          workspaceId, messageId: `${prefix}-${i}`, profileId: `p${i % 50}`, type: 'track' as const, name: 'E', userId: null, anonymousId: null,
          timestamp: receivedAt, receivedAt, properties: {}, traits: {}, context: {},
        })),
      );
    const quiet = rule('no_events', { threshold: 5 });
    // One event of the quiet workspace, then 3,000 of a busy one: the follower reads them all.
    await events('ws', 1, T0 - 50 * MIN, 'q');
    await events('other', 3_000, T0 - MIN, 'b');
    const catalog = new DataCatalog(store.sql, store.events, { batch: 500 });
    await catalog.catchUp();
    expect((await measures.measure(quiet, '', T0))?.value).toBe(50);
    // Events past the follower's cursor count at once (it lags by up to a batch).
    await events('ws', 1, T0 - 2 * MIN, 'q2');
    expect((await measures.measure(quiet, '', T0))?.value).toBe(2);
    await catalog.catchUp();
    expect((await measures.measure(quiet, '', T0))?.value).toBe(2);
    // A workspace that never received anything counts from the rule's creation (an hour before T0).
    expect((await measures.measure({ ...quiet, workspaceId: 'empty' }, '', T0))?.value).toBe(60);

    // The plan: the events past the cursor are a range of the primary key, not a walk down the whole log.
    await store.sql.script('ANALYZE');
    const [cursor] = await store.sql.query<{ seq: unknown }>("SELECT seq FROM monitor_cursors WHERE name = 'data_catalog'");
    const params = ['ws', Number(cursor?.seq)];
    const plan =
      store.sql.dialect.name === 'postgres'
        ? (await store.sql.query<Record<string, unknown>>(`EXPLAIN ${unreadSql(store.sql)}`, params)).map((r) => String(r['QUERY PLAN'])).join('\n')
        : (await store.sql.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${unreadSql(store.sql)}`, params)).map((r) => r.detail).join('\n');
    expect(plan).toMatch(store.sql.dialect.name === 'postgres' ? /Index Cond: \(seq > / : /USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plan).not.toMatch(/Seq Scan on events|^SCAN events/m);
  });

  it('sums tracking-plan violations over the window, per minute', async () => {
    const store = getStore();
    const plan = new TrackingPlanRepoSql(store.sql);
    const measures = new AlertMeasuresSql(store.sql, new SizeHistory(store.sql, new SqlChangeLog(store.sql)), (ws, from, to) => plan.violationsBetween(ws, from, to));
    const minutes = new Map([
      ['a', { workspaceId: 'ws', minute: T0 - 10 * MIN, count: 100 }],
      ['b', { workspaceId: 'ws', minute: T0 - 4 * MIN, count: 7 }],
      ['c', { workspaceId: 'ws', minute: T0, count: 5 }],
      ['d', { workspaceId: 'other', minute: T0, count: 50 }],
    ]);
    await plan.addViolations([], minutes);
    expect((await measures.measure(rule('tracking_plan_violations', { threshold: 10, windowMinutes: 5 }), '', T0 + 30_000))?.value).toBe(12);
    expect(await plan.pruneMinutes(T0 - 5 * MIN)).toBe(1);
  });

  it('keeps at most one open alert per rule and one notice per fire and per resolve', async () => {
    const store = getStore();
    const repo = new AlertRepoSql(store.sql);
    const r = rule('dead_letters', { threshold: 0 });
    expect(await repo.createRule(r)).toBe(true);
    expect(await repo.createRule({ ...r, id: 'other-id' })).toBe(false); // same name
    const [a, b] = await Promise.all([repo.fire(r, 3, 'm', null, T0), repo.fire(r, 3, 'm', null, T0)]);
    expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
    const open = (await repo.openAlert(r.id))!;
    expect(await repo.resolve(open.id, T0 + MIN)).toBe(true);
    expect(await repo.resolve(open.id, T0 + 2 * MIN)).toBe(false);
    expect((await repo.notifications(open.id)).map((n) => n.event)).toEqual(['fired', 'resolved']);
  });
});
