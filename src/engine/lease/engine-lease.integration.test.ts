import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import type { EngineRole } from '../engine.js';
import { describeEachStore } from '../../store/testing/index.js';
import { EngineSegmentService } from '../engine-segment-service.js';
import { EngineHarness, TEST_WORKSPACE } from '../testing/engine-harness.js';
import { LeaseRepoSql } from './lease-repo-sql.js';

const T0 = Date.UTC(2026, 0, 1);
const TTL = 9_000;

describeEachStore('engine lease', (getStore) => {
  it('makes a second engine a standby that takes over once the first stops', async () => {
    const clock = new FakeClock(T0);
    const roles: string[] = [];
    const a = new EngineHarness(getStore(), clock, { lease: { ttlMs: TTL, holder: 'a' }, onRoleChange: (r: EngineRole) => roles.push(`a ${r}`) });
    const b = new EngineHarness(getStore(), clock, { lease: { ttlMs: TTL, holder: 'b' }, onRoleChange: (r: EngineRole) => roles.push(`b ${r}`) });
    await a.segment('openers', 'performed("Email Opened")');
    await a.start();
    await b.start();
    expect([a.engine.role, b.engine.role]).toEqual(['active', 'standby']);
    await a.submit('p1', 'Email Opened');
    await b.engine.idle();
    expect((await a.changes()).map((c) => `${c.kind} ${c.profileId}`)).toEqual(['entered p1']);

    await a.engine.stop();
    await b.advance(TTL / 3);
    expect(b.engine.role).toBe('active');
    await b.submit('p2', 'Email Opened', { messageId: 'from-b' });
    expect((await b.changes()).map((c) => `${c.kind} ${c.profileId}`)).toEqual(['entered p1', 'entered p2']);
    expect(roles).toEqual(['a active', 'b standby', 'a stopped', 'b active']);
    expect(await new LeaseRepoSql(getStore().sql).get('engine')).toMatchObject({ holder: 'b', epoch: 2 });
    await b.engine.stop();
  });

  it("refuses a former holder's late commit once another process has taken its expired lease over", async () => {
    const clock = new FakeClock(T0);
    const h = new EngineHarness(getStore(), clock, { lease: { ttlMs: TTL, holder: 'stalled' } });
    await h.segment('openers', 'performed("Email Opened")');
    await h.start();
    // The holder stalls (no renewal) past its lease; another process takes it over.
    const taken = await new LeaseRepoSql(getStore().sql).acquire('engine', 'other', T0 + TTL + 1, T0 + 2 * TTL);
    expect(taken?.epoch).toBe(2);
    await h.submit('p1', 'Email Opened');
    expect(await h.changes()).toEqual([]);
    expect(h.engine.role).toBe('standby');
    expect(await h.members('openers')).toEqual([]);
    await h.engine.stop();
  });

  it('refuses to take a lease that another holder still holds, and takes it once expired', async () => {
    const leases = new LeaseRepoSql(getStore().sql);
    expect(await leases.acquire('engine', 'a', 1000, 2000)).toEqual({ name: 'engine', holder: 'a', epoch: 1 });
    expect(await leases.acquire('engine', 'b', 1500, 2500)).toBeUndefined();
    expect(await leases.renew({ name: 'engine', holder: 'a', epoch: 1 }, 3000)).toBe(true);
    expect(await leases.acquire('engine', 'b', 2999, 4000)).toBeUndefined();
    expect(await leases.acquire('engine', 'b', 3001, 4000)).toEqual({ name: 'engine', holder: 'b', epoch: 2 });
    expect(await leases.renew({ name: 'engine', holder: 'a', epoch: 1 }, 5000)).toBe(false);
    expect(await leases.fence({ name: 'engine', holder: 'a', epoch: 1 })).toBe(false);
    expect(await leases.fence({ name: 'engine', holder: 'b', epoch: 2 })).toBe(true);
  });

  it('lets a standby process save a segment and has the active engine backfill it', async () => {
    const clock = new FakeClock(T0);
    const a = new EngineHarness(getStore(), clock, { lease: { ttlMs: TTL, holder: 'a' } });
    const b = new EngineHarness(getStore(), clock, { lease: { ttlMs: TTL, holder: 'b' } });
    await a.start();
    await b.start();
    await a.submit('p1', 'Email Opened');
    const saved = await new EngineSegmentService(getStore(), b.engine, b.changeLog).create(TEST_WORKSPACE, {
      name: 'openers',
      rule: 'performed("Email Opened")',
    });
    expect(saved.ok).toBe(true);
    expect(await a.changes()).toEqual([]);
    await a.advance(1);
    expect((await a.changes()).map((c) => `${c.kind} ${c.profileId} ${c.cause.kind}`)).toEqual(['entered p1 backfill']);
    await b.engine.stop();
    await a.engine.stop();
  });
});
