import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { DeliveryHarness } from '../destinations/testing/index.js';
import { Engine, EngineSegmentService } from '../engine/index.js';
import { IngestService } from '../ingest/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { createTestPostgresStore, testStoreKinds } from '../store/testing/index.js';
import { ErasureService } from './erasure-service.js';

const T0 = Date.UTC(2026, 2, 1);
const EMAIL = 'ada.lovelace@example.org';
const USER_ID = 'user-ada-1815';
const OTHER_EMAIL = 'grace.hopper@example.org';

/** Every row of every table of the store, as text (what "no table contains them" is checked against). */
async function everyRow(store: Store): Promise<Map<string, string>> {
  const tables =
    store.dialect === 'sqlite'
      ? (await store.sql.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r) => r.name)
      : (await store.sql.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()')).map((r) => r.tablename);
  const out = new Map<string, string>();
  for (const t of tables) out.set(t, JSON.stringify(await store.sql.query(`SELECT * FROM ${t}`)));
  return out;
}

/** The tables whose rows mention `needle`. */
function tablesMentioning(rows: Map<string, string>, needle: string): string[] {
  return [...rows].filter(([, text]) => text.includes(needle)).map(([t]) => t);
}

for (const kind of testStoreKinds()) {
  describe(`erasure of a person (${kind})`, () => {
    const cleanup: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function setup(): Promise<{ store: Store; file: string | undefined }> {
      if (kind === 'postgres') {
        const pg = await createTestPostgresStore();
        cleanup.push(() => pg.dispose());
        return { store: pg.store, file: undefined };
      }
      const dir = mkdtempSync(join(tmpdir(), 'segflow-erasure-'));
      const file = join(dir, 'segflow.db');
      const store = await openSqliteStore({ file });
      cleanup.push(async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return { store, file };
    }

    it('removes them from every table (and every byte of the SQLite file and WAL), exits them with cause erased, and drops their events sent again', async () => {
      const { store, file } = await setup();
      const clock = new FakeClock(T0);
      const h = await DeliveryHarness.create(store, { clock });
      cleanup.push(() => h.close());
      const ws = h.workspaceId;
      const engine = new Engine({ store, clock, changeLog: h.changeLog, lease: false });
      await engine.start();
      cleanup.push(() => engine.stop());
      const ingest = new IngestService(store, { clock });
      ingest.onCommitted(() => engine.wake());
      cleanup.push(() => ingest.drain());
      const segments = new EngineSegmentService(store, engine, h.changeLog);
      const created = await segments.create(ws, { name: 'Buyers', rule: 'performed("Order Completed", within 30d)' });
      expect(created.ok).toBe(true);
      const buyers = created.ok ? created.value.id : '';

      // Two destinations: one accepts, one refuses with a 400 (not retryable: every message becomes a dead letter).
      h.receiver.respond = (r) => (r.path === '/dead' ? { kind: 'status', status: 400, body: 'no' } : undefined);
      await h.destination({ name: 'crm', url: `${h.receiver.origin}/ok` });
      await h.destination({ name: 'broken', url: `${h.receiver.origin}/dead` });

      const messages = (email: string, userId: string, prefix: string): unknown[] => [
        { type: 'identify', userId, messageId: `${prefix}-id`, traits: { email, name: 'Someone' }, timestamp: new Date(T0).toISOString() },
        ...Array.from({ length: 5 }, (_, i) => ({
          type: 'track',
          userId,
          event: 'Order Completed',
          messageId: `${prefix}-oc-${i}`,
          properties: { revenue: 10 + i, note: `order for ${email}` },
          context: { traits: { email } },
          timestamp: new Date(T0 + i * 1000).toISOString(),
        })),
      ];
      const first = await ingest.ingest(ws, messages(EMAIL, USER_ID, 'ada'), { receivedAt: T0, source: 'http' });
      expect(first.accepted).toBe(6);
      await ingest.ingest(ws, messages(OTHER_EMAIL, 'user-grace-1906', 'grace'), { receivedAt: T0, source: 'http' });
      await engine.idle();
      const members = new MembershipRepoSql(store.sql);
      expect(await members.count(buyers)).toBe(2);
      await h.worker.tick();
      const before = await everyRow(store);
      expect(tablesMentioning(before, EMAIL).sort()).toEqual(expect.arrayContaining(['destination_deliveries', 'events', 'identities', 'profiles']));
      const dead = await store.sql.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM destination_deliveries WHERE status = 'dead'");
      expect(Number(dead[0]?.n)).toBeGreaterThan(0);

      const erasures = new ErasureService({ store, writer: engine, clock });
      const requested = await erasures.request(ws, 'SUPPRESS_WITH_DELETE', [`email:${EMAIL.toUpperCase()}`]);
      expect(requested.ok).toBe(true);
      const id = requested.ok ? requested.value.erasure.id : '';
      // The exits are written; the destinations have not read them yet, so the profile (its email) is still held.
      expect(requested.ok && requested.value.erasure).toMatchObject({ status: 'waiting', profiles: 1, exits: 1 });
      expect(await members.count(buyers)).toBe(1);
      await h.worker.tick();
      await erasures.runOpen();
      const done = await erasures.get(ws, id);
      expect(done).toMatchObject({ status: 'completed', exits: 1, profiles: 1 });
      expect(done?.deleted).toMatchObject({ events: 6, profiles: 1, identities: 2 });

      // The exit reached both destinations (the ESP-facing payload carries the email it removes).
      const exitBodies = h.receiver.requests.filter((r) => r.body.includes('segment.exited'));
      expect(exitBodies.map((r) => r.path).sort()).toEqual(['/dead', '/ok']);
      expect(exitBodies[0]?.body).toContain('"erased"');
      // The segment shows the exit, under a pseudonym.
      const changes = await store.sql.query<{ kind: string; cause: string; profile_id: string }>(
        'SELECT kind, cause, profile_id FROM membership_changes WHERE segment_id = $1 ORDER BY seq',
        [buyers],
      );
      expect(changes.map((c) => [c.kind, JSON.parse(c.cause).kind])).toEqual([
        ['entered', 'event'],
        ['entered', 'event'],
        ['exited', 'erased'],
      ]);
      expect(changes.at(-1)?.profile_id).toBe(`erased:${id}`);

      const after = await everyRow(store);
      expect(tablesMentioning(after, EMAIL)).toEqual([]);
      expect(tablesMentioning(after, USER_ID)).toEqual([]);
      expect(tablesMentioning(after, OTHER_EMAIL).length).toBeGreaterThan(0);
      if (file !== undefined) {
        const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
        expect(bytes.includes(EMAIL)).toBe(false);
        expect(bytes.includes(USER_ID)).toBe(false);
        // The check can see what is there: the other person is still in the file.
        expect(bytes.includes(OTHER_EMAIL)).toBe(true);
      }

      // Sent again (same messageIds: nothing of theirs is left to dedupe against): dropped and counted.
      const again = await ingest.ingest(ws, messages(EMAIL, USER_ID, 'ada'), { receivedAt: T0 + 60_000, source: 'http' });
      expect([again.accepted, again.suppressed]).toEqual([0, 6]);
      expect(again.results.every((r) => r.outcome === 'suppressed')).toBe(true);
      expect((await erasures.get(ws, id))?.dropped).toBe(6);
      expect(tablesMentioning(await everyRow(store), USER_ID)).toEqual([]);
      // Someone else is untouched.
      const grace = await ingest.ingest(ws, messages(OTHER_EMAIL, 'user-grace-1906', 'grace2'), { receivedAt: T0 + 60_000, source: 'http' });
      expect(grace.accepted).toBe(6);
    });
  });
}
