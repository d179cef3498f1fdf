import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { KeyAuthenticator, bearerTokenOf, generateKey, hashKey, keyRecord, writeKeyOf } from './authenticate.js';
import { MemoryStore } from './testing/memory-store.js';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('writeKeyOf', () => {
  it('reads the Basic-auth username, as Segment libraries send it', () => {
    expect(writeKeyOf(basic('sfw_abc'), undefined)).toBe('sfw_abc');
  });

  it('falls back to writeKey in the body when there is no usable Basic username', () => {
    expect(writeKeyOf(undefined, { writeKey: 'sfw_body' })).toBe('sfw_body');
    expect(writeKeyOf(basic(''), { writeKey: 'sfw_body' })).toBe('sfw_body');
    expect(writeKeyOf('Bearer x', { writeKey: 'sfw_body' })).toBe('sfw_body');
  });

  it('finds no key when neither is given', () => {
    expect(writeKeyOf(undefined, { batch: [] })).toBeUndefined();
    expect(writeKeyOf(undefined, [{ writeKey: 'in-an-array' }])).toBeUndefined();
  });
});

describe('bearerTokenOf', () => {
  it('reads a bearer token case-insensitively and ignores other schemes', () => {
    expect(bearerTokenOf('bearer sfa_x')).toBe('sfa_x');
    expect(bearerTokenOf('Basic abc')).toBeUndefined();
    expect(bearerTokenOf(undefined)).toBeUndefined();
  });
});

describe('generateKey', () => {
  it('makes prefixed secrets and stores only their hash and a short prefix', () => {
    const { secret, key } = generateKey('ws', 'admin', 1);
    expect(secret).toMatch(/^sfa_[\w-]{32}$/);
    expect(key).toMatchObject({ workspaceId: 'ws', kind: 'admin', hash: hashKey(secret), prefix: secret.slice(0, 8) });
    expect(JSON.stringify(key)).not.toContain(secret);
  });
});

describe('KeyAuthenticator', () => {
  async function setup() {
    const store = new MemoryStore();
    const clock = new FakeClock();
    await store.workspaces.addKey(keyRecord('ws', 'write', 'write-secret-0000', 1));
    await store.workspaces.addKey(keyRecord('ws', 'admin', 'admin-secret-0000', 1));
    return { store, clock, auth: new KeyAuthenticator(store.workspaces, clock, 1000) };
  }

  it('accepts a write key for ingestion and refuses it for administration', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate('write-secret-0000', 'write')).toMatchObject({ ok: true, value: { workspaceId: 'ws' } });
    expect(await auth.authenticate('write-secret-0000', 'admin')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
  });

  it('lets an admin key ingest', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate('admin-secret-0000', 'write')).toMatchObject({ ok: true });
  });

  it('tells a missing key from an unknown one', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate(undefined, 'write')).toEqual({ ok: false, error: 'AUTH_MISSING_KEY' });
    expect(await auth.authenticate('guess', 'write')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
  });

  it('refuses a removed key on the very next check, with no time passing', async () => {
    const { auth, store } = await setup();
    expect((await auth.authenticate('write-secret-0000', 'write')).ok).toBe(true);
    await store.workspaces.removeKeys('ws', 'write');
    expect(await auth.authenticate('write-secret-0000', 'write')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
  });

  it('refuses a key revoked through another authenticator (another process) at once, and keeps the others', async () => {
    const { auth, store, clock } = await setup();
    const other = new KeyAuthenticator(store.workspaces, clock, 60_000);
    expect((await auth.authenticate('admin-secret-0000', 'admin')).ok).toBe(true);
    expect((await auth.authenticate('write-secret-0000', 'write')).ok).toBe(true);
    const admin = (await store.workspaces.listKeys('ws')).find((k) => k.kind === 'admin')!;
    await store.workspaces.revokeKey('ws', admin.id, clock.now());
    expect(await auth.authenticate('admin-secret-0000', 'admin')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
    expect(await auth.authenticate('admin-secret-0000', 'write')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
    expect(await other.authenticate('admin-secret-0000', 'admin')).toEqual({ ok: false, error: 'AUTH_INVALID_KEY' });
    expect((await auth.authenticate('write-secret-0000', 'write')).ok).toBe(true);
  });
});
