import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { openSqliteStore, type Store } from '../../store/index.js';
import { IngestService } from '../pipeline.js';
import { ThreadGroupWriter } from './thread-group-writer.js';

const WS = 'ws_default';

describe('ThreadGroupWriter (SQLite writer thread)', () => {
  const open: Array<{ dir: string; store: Store; service: IngestService }> = [];
  afterEach(async () => {
    for (const { dir, store, service } of open.splice(0)) {
      await service.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-writer-thread-'));
    const file = join(dir, 'segflow.db');
    const store = await openSqliteStore({ file });
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    await store.workspaces.ensureDefault(clock.now());
    const writer = await ThreadGroupWriter.start({ file, synchronous: 'NORMAL', exclusive: (fn) => store.sql.exclusive!(fn) });
    const service = new IngestService(store, { clock, writer });
    open.push({ dir, store, service });
    return { store, service, clock, meta: { receivedAt: clock.now(), source: 'test', fieldOf: (i: number) => `message[${i}]` } };
  }

  it('acknowledges events only once the main store can read them, stores a redelivery once and reports the last seq', async () => {
    const { store, service, meta } = await setup();
    const committed: number[] = [];
    service.onCommitted((seq) => committed.push(seq));
    const batch = Array.from({ length: 300 }, (_, i) => ({ type: 'track', messageId: `m-${i}`, userId: `u-${i % 11}`, event: 'Viewed' }));
    const results = await Promise.all([1, 2, 3].map(() => service.ingest(WS, batch, meta)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(300);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(600);
    expect(await store.events.count(WS)).toBe(300);
    expect(await store.profiles.count(WS)).toBe(11);
    expect(Math.max(...committed)).toBe(await store.events.headSeq());
    const accepted = results.flatMap((r) => r.results).filter((r) => r.outcome === 'accepted');
    expect(new Set(accepted.map((r) => (r.outcome === 'accepted' ? r.seq : 0))).size).toBe(300);
  });

  it('reports invalid messages with the caller’s field paths and merges identities as the in-thread writer does', async () => {
    const { store, service, meta } = await setup();
    const result = await service.ingest(
      WS,
      [
        { type: 'track', anonymousId: 'a-1', event: 'Viewed', messageId: 'x1' },
        { type: 'track', event: 'No identity' },
        { type: 'identify', userId: 'known', anonymousId: 'a-1', traits: { plan: 'pro' }, messageId: 'x2' },
      ],
      meta,
    );
    expect(result.accepted).toBe(2);
    expect(result.results[1]).toMatchObject({ outcome: 'rejected', problem: { field: expect.stringMatching(/^message\[1\]/) } });
    const byUser = await store.profiles.findByIdentity(WS, 'user_id', 'known');
    const byAnonymous = await store.profiles.findByIdentity(WS, 'anonymous_id', 'a-1');
    expect(byUser).toBeDefined();
    expect(byAnonymous).toBe(byUser);
    expect((await store.profiles.get(WS, byUser!))?.traits).toMatchObject({ plan: 'pro' });
  });

  it('interleaves its groups with the main thread’s own transactions on the same file without losing either', async () => {
    const { store, service, meta, clock } = await setup();
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      work.push(service.ingest(WS, [{ type: 'track', messageId: `t-${i}`, userId: `u-${i}`, event: 'Viewed' }], meta));
      work.push(store.transaction((tx) => tx.profiles.create(WS, `main-${i}`, clock.now())));
    }
    await Promise.all(work);
    expect(await store.events.count(WS)).toBe(20);
    expect(await store.profiles.count(WS)).toBe(40);
  });

  it('rejects a group whose transaction fails on the thread with the database error, and keeps committing the next', async () => {
    const { store, service, meta } = await setup();
    // Made on the main connection, seen by the thread's: the database refuses one messageId.
    await store.sql.script(
      "CREATE TRIGGER refuse_poison BEFORE INSERT ON events WHEN NEW.message_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned message'); END;",
    );
    await expect(service.ingest(WS, [{ type: 'track', userId: 'u', event: 'Viewed', messageId: 'poison' }], meta)).rejects.toMatchObject({
      name: 'SqliteError',
      code: 'SQLITE_CONSTRAINT_TRIGGER',
      message: 'poisoned message',
    });
    const ok = await service.ingest(WS, [{ type: 'track', userId: 'u', event: 'Viewed', messageId: 'kept' }], meta);
    expect(ok.accepted).toBe(1);
    expect(await store.events.count(WS)).toBe(1);
  });

  it('fails the group of a thread that died and starts a new thread for the next group', async () => {
    let exclusiveSections = 0;
    const writer = await ThreadGroupWriter.start({
      file: 'unused.db',
      synchronous: 'NORMAL',
      exclusive: async (fn) => {
        exclusiveSections++;
        return fn();
      },
      worker: new URL('./testing/dying-writer-worker.ts', import.meta.url),
    });
    try {
      const job = (workspaceId: string) => ({ workspaceId, meta: { receivedAt: 0, source: 'test' }, prepared: [] });
      await expect(writer.write([job('ws_ok'), job('ws_ok')], 0)).resolves.toMatchObject({ lastSeq: 2 });
      await expect(writer.write([job('ws_die')], 0)).rejects.toThrow(/exited \(code 3\)/);
      await expect(writer.write([job('ws_ok')], 0)).resolves.toMatchObject({ lastSeq: 1 });
      expect(exclusiveSections).toBe(3);
    } finally {
      await writer.close();
    }
  });
});
