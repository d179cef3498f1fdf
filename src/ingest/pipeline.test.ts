import { describe, expect, it } from 'vitest';
import { AppError, FakeClock } from '../core/index.js';
import { IdentityTakenError } from '../store/index.js';
import { IngestService, type IngestMeta } from './pipeline.js';
import { MemoryStore } from './testing/memory-store.js';

const WS = 'ws_default';

function setup(options: { maxQueuedMessages?: number } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const store = new MemoryStore();
  const service = new IngestService(store, { clock, ...options });
  const meta: IngestMeta = { receivedAt: clock.now(), source: 'test' };
  const profileOf = async (kind: 'user_id' | 'anonymous_id' | 'email', value: string) => {
    const id = await store.profiles.findByIdentity(WS, kind, value);
    return id === undefined ? undefined : store.profiles.get(WS, id);
  };
  return { clock, store, service, meta, profileOf };
}

describe('IngestService', () => {
  it('stores valid messages, reports invalid ones and stores nothing of them', async () => {
    const { service, store, meta } = setup();
    const result = await service.ingest(
      WS,
      [
        { type: 'track', userId: 'u1', event: 'A', messageId: 'm1' },
        { type: 'track', userId: 'u1', messageId: 'm2' },
      ],
      meta,
    );
    expect(result).toMatchObject({ accepted: 1, rejected: 1, duplicates: 0 });
    expect(result.results[1]).toMatchObject({ outcome: 'rejected', problem: { code: 'INGEST_MISSING_EVENT', field: 'batch[1].event' } });
    expect(await store.events.count(WS)).toBe(1);
  });

  it('acknowledges a duplicate messageId without storing it again, within and across calls', async () => {
    const { service, store, meta } = setup();
    const msg = { type: 'track', userId: 'u1', event: 'A', messageId: 'same' };
    const first = await service.ingest(WS, [msg, msg], meta);
    const second = await service.ingest(WS, [msg], meta);
    expect(first.results.map((r) => r.outcome)).toEqual(['accepted', 'duplicate']);
    expect(second.results.map((r) => r.outcome)).toEqual(['duplicate']);
    expect(await store.events.count(WS)).toBe(1);
  });

  it('joins anonymous activity to the user on identify', async () => {
    const { service, store, meta, profileOf } = setup();
    await service.ingest(WS, [{ type: 'page', anonymousId: 'anon-1', name: 'Home' }], meta);
    const anon = await profileOf('anonymous_id', 'anon-1');
    await service.ingest(WS, [{ type: 'identify', anonymousId: 'anon-1', userId: 'u1', traits: { plan: 'pro' } }], meta);
    const user = await profileOf('user_id', 'u1');
    expect(user?.id).toBe(anon?.id);
    expect(user?.traits).toEqual({ plan: 'pro' });
    expect(await store.events.listByProfile(WS, user!.id, { limit: 10 })).toHaveLength(2);
  });

  it('merges an anonymous profile into an existing user profile on identify', async () => {
    const { service, store, meta, profileOf } = setup();
    await service.ingest(WS, [{ type: 'identify', userId: 'u1', traits: { name: 'Ada' } }], meta);
    await service.ingest(WS, [{ type: 'track', anonymousId: 'anon-2', event: 'Product Viewed' }], meta);
    await service.ingest(WS, [{ type: 'identify', userId: 'u1', anonymousId: 'anon-2' }], meta);
    const user = await profileOf('user_id', 'u1');
    expect((await profileOf('anonymous_id', 'anon-2'))?.id).toBe(user?.id);
    expect(await store.events.listByProfile(WS, user!.id, { limit: 10 })).toHaveLength(3);
  });

  it('joins a previous anonymous id to the user on alias', async () => {
    const { service, meta, profileOf } = setup();
    await service.ingest(WS, [{ type: 'track', anonymousId: 'anon-3', event: 'Signed Up' }], meta);
    await service.ingest(WS, [{ type: 'alias', userId: 'u3', previousId: 'anon-3' }], meta);
    expect((await profileOf('user_id', 'u3'))?.id).toBe((await profileOf('anonymous_id', 'anon-3'))?.id);
  });

  it('never merges two profiles that carry different userIds', async () => {
    const { service, meta, profileOf } = setup();
    await service.ingest(WS, [{ type: 'identify', userId: 'alice', anonymousId: 'shared-device' }], meta);
    await service.ingest(WS, [{ type: 'identify', userId: 'bob', anonymousId: 'shared-device' }], meta);
    expect((await profileOf('user_id', 'alice'))?.id).not.toBe((await profileOf('user_id', 'bob'))?.id);
  });

  it('finds the profile by an email trait', async () => {
    const { service, meta, profileOf } = setup();
    await service.ingest(WS, [{ type: 'identify', userId: 'u4', traits: { email: 'Ada@Example.com ' } }], meta);
    await service.ingest(WS, [{ type: 'identify', anonymousId: 'anon-4', traits: { email: 'ada@example.com' } }], meta);
    expect((await profileOf('email', 'ada@example.com'))?.id).toBe((await profileOf('user_id', 'u4'))?.id);
    expect((await profileOf('anonymous_id', 'anon-4'))?.id).toBe((await profileOf('user_id', 'u4'))?.id);
  });

  it('derives the subscription from the stream', async () => {
    const { service, meta, profileOf } = setup();
    await service.ingest(
      WS,
      [
        { type: 'identify', userId: 'u5', traits: { subscribed: true }, timestamp: '2026-05-01T00:00:00Z' },
        { type: 'track', userId: 'u5', event: 'Email Marked as Spam', timestamp: '2026-05-02T00:00:00Z' },
      ],
      meta,
    );
    expect((await profileOf('user_id', 'u5'))?.subscription).toMatchObject({
      state: 'complained',
      changedAt: Date.UTC(2026, 4, 2),
      reason: 'track:Email Marked as Spam',
    });
  });

  it('updates first and last seen from event times', async () => {
    const { service, meta, profileOf } = setup();
    await service.ingest(
      WS,
      [
        { type: 'track', userId: 'u6', event: 'A', timestamp: '2026-03-01T00:00:00Z' },
        { type: 'track', userId: 'u6', event: 'B', timestamp: '2026-01-01T00:00:00Z' },
      ],
      meta,
    );
    expect(await profileOf('user_id', 'u6')).toMatchObject({ firstSeenAt: Date.UTC(2026, 0, 1), lastSeenAt: Date.UTC(2026, 2, 1) });
  });

  it('clamps a far-future event to receivedAt and says so', async () => {
    const { service, store, meta } = setup();
    const result = await service.ingest(WS, [{ type: 'track', userId: 'u7', event: 'A', timestamp: '2030-01-01T00:00:00Z' }], meta);
    expect(result.results[0]).toMatchObject({ outcome: 'accepted' });
    const [event] = await store.events.readLog(0, 1);
    expect(event?.timestamp).toBe(meta.receivedAt);
    expect(event?.context.segflow).toEqual({ clampedTimestamp: '2030-01-01T00:00:00.000Z' });
  });

  it('writes concurrent calls in one transaction and notifies listeners with the last seq', async () => {
    const { service, store, meta } = setup();
    const seqs: number[] = [];
    service.onCommitted((seq) => seqs.push(seq));
    await Promise.all([1, 2, 3, 4].map((i) => service.ingest(WS, [{ type: 'track', userId: `u${i}`, event: 'A' }], meta)));
    expect(store.transactions).toBe(1);
    expect(seqs).toEqual([4]);
  });

  it('answers INGEST_OVERLOADED when the queue is over its bound', async () => {
    const { service, meta } = setup({ maxQueuedMessages: 2 });
    const first = service.ingest(WS, [{ type: 'track', userId: 'a', event: 'A' }, { type: 'track', userId: 'b', event: 'A' }], meta);
    const second = service.ingest(WS, [{ type: 'track', userId: 'c', event: 'A' }], meta);
    await expect(second).rejects.toSatisfy((e) => e instanceof AppError && e.status === 429 && e.code === 'INGEST_OVERLOADED');
    await expect(first).resolves.toMatchObject({ accepted: 2 });
  });

  it('answers INGEST_OVERLOADED when the queued bytes are over their bound, whatever the message count', async () => {
    const { store, meta } = setup();
    const service = new IngestService(store, { maxQueuedBytes: 1000 });
    const big = { type: 'track', userId: 'a', event: 'A', properties: { text: 'x'.repeat(800) } };
    const first = service.ingest(WS, [big], meta);
    const second = service.ingest(WS, [{ ...big, userId: 'b' }], meta);
    await expect(second).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'INGEST_OVERLOADED');
    await expect(first).resolves.toMatchObject({ accepted: 1 });
    await expect(service.ingest(WS, [{ ...big, userId: 'c' }], meta)).resolves.toMatchObject({ accepted: 1 });
  });

  it('merges batch context under each message context', async () => {
    const { service, store, meta } = setup();
    await service.ingest(WS, [{ type: 'track', userId: 'u8', event: 'A', context: { ip: '1.2.3.4' } }], { ...meta, context: { library: { name: 'x' }, ip: '0.0.0.0' } });
    const [event] = await store.events.readLog(0, 1);
    expect(event?.context).toEqual({ library: { name: 'x' }, ip: '1.2.3.4' });
  });

  it('runs a group commit again when it lost the race for a new identifier to another writer', async () => {
    const { service, store, meta, profileOf } = setup();
    const transaction = store.transaction.bind(store);
    let attempts = 0;
    store.transaction = (fn) =>
      transaction(async (tx) => {
        attempts += 1;
        if (attempts === 1) {
          // Another process commits u1's profile while this group runs: this group's insert of u1 is refused.
          await fn(tx);
          throw new IdentityTakenError('user_id', 'u1', 'prof_other', 'prof_mine');
        }
        return fn(tx);
      });
    const result = await service.ingest(WS, [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }], meta);
    expect(attempts).toBe(2);
    expect(result).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await store.events.count(WS)).toBe(1);
    expect((await profileOf('user_id', 'u1'))?.id).toBe((result.results[0] as { profileId: string }).profileId);
  });

  it('does not retry a failure that is not a write conflict', async () => {
    const { service, store, meta } = setup();
    store.failNextTransaction = true;
    await expect(service.ingest(WS, [{ type: 'track', userId: 'u1', event: 'A' }], meta)).rejects.toThrow('injected transaction failure');
    expect(store.transactions).toBe(1);
    expect(await store.events.count(WS)).toBe(0);
  });
});
