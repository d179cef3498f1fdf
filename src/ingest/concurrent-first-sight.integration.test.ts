import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { openPostgresStore, type Store } from '../store/index.js';
import { createTestPostgresStore, testDatabaseUrl, testStoreKinds, type DisposableStore } from '../store/testing/index.js';
import { IngestService, type IngestOptions } from './pipeline.js';

const WS = 'ws_default';

/**
 * Two segflow processes on one PostgreSQL, modelled as two stores (two connection pools) on one schema, each
 * with its own IngestService, as two `segflow serve` would be.
 */
describe.runIf(testStoreKinds().includes('postgres'))('two ingestion pipelines on one PostgreSQL', () => {
  let first: DisposableStore | undefined;
  let second: Store | undefined;
  afterEach(async () => {
    await second?.close();
    await first?.dispose();
    second = undefined;
    first = undefined;
  });

  const cases: ReadonlyArray<readonly [string, IngestOptions]> = [
    ['one group at a time in each process', {}],
    // As `segflow serve` runs on PostgreSQL: several groups of one process in flight at once race each other too.
    // UNFINISHED: with three groups in flight per process this timed out on the merged tree (a lock wait between
    // racing first sights, not yet diagnosed); `serve` runs one group at a time on PostgreSQL until it is fixed.
    // ['three small groups in flight in each process', { writeConcurrency: 3, maxGroupMessages: 16 }],
  ];
  it.each(cases)('both accept the same brand-new users sent at once, and each user ends with one profile holding all events (%s)', async (_, options) => {
    first = await createTestPostgresStore({ poolSize: 6 });
    const schema = (await first.store.sql.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
    second = await openPostgresStore({ url: testDatabaseUrl(), schema, poolSize: 6 });
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    await first.store.workspaces.ensureDefault(clock.now());
    const meta = { receivedAt: clock.now(), source: 'test' };
    const services = [new IngestService(first.store, { clock, ...options }), new IngestService(second, { clock, ...options })];
    const rounds = 8;
    const users = 30;
    for (let round = 0; round < rounds; round++) {
      const ids = Array.from({ length: users }, (_, i) => `r${round}-u${i}`);
      // Each process sees every user once with a single identifier and once with several (userId, email,
      // anonymousId), in opposite orders, so both the one-identifier and the general resolution paths race.
      const batchOf = (p: number) =>
        (p === 0 ? ids : [...ids].reverse()).flatMap((id) => [
          { type: 'track', userId: id, event: 'Viewed', messageId: `${id}-p${p}-track` },
          { type: 'identify', userId: id, anonymousId: `anon-${id}`, traits: { email: `${id}@example.com` }, messageId: `${id}-p${p}-identify` },
        ]);
      // Each process's share as three requests at once (with small groups, three groups of one process race too).
      const requestsOf = (p: number) => [0, 1, 2].map((k) => batchOf(p).filter((_, i) => i % 3 === k));
      const results = await Promise.all(services.map(async (s, p) => Promise.all(requestsOf(p).map((batch) => s.ingest(WS, batch, meta)))));
      for (const perProcess of results) {
        expect(perProcess.reduce((n, r) => n + r.accepted, 0)).toBe(users * 2);
        for (const r of perProcess) expect(r).toMatchObject({ rejected: 0, duplicates: 0 });
      }
    }
    const store = first.store;
    expect(await store.events.count(WS)).toBe(rounds * users * 4);
    expect(await store.profiles.count(WS)).toBe(rounds * users);
    for (const id of ['r0-u0', `r${rounds - 1}-u${users - 1}`]) {
      const profileId = await store.profiles.findByIdentity(WS, 'user_id', id);
      expect(await store.profiles.findByIdentity(WS, 'email', `${id}@example.com`)).toBe(profileId);
      expect(await store.profiles.findByIdentity(WS, 'anonymous_id', `anon-${id}`)).toBe(profileId);
      expect(await store.events.listByProfile(WS, profileId!, { limit: 10 })).toHaveLength(4);
    }
  });
});
