import { expect, it } from 'vitest';
import type { Store } from '../store.js';

/** Registers the {@link WorkspaceRepo} contract tests; call inside a describe that provides fresh stores. */
export function workspaceRepoContract(getStore: () => Store): void {
  it('creates the default workspace once and returns the same one afterwards', async () => {
    const store = getStore();
    const first = await store.workspaces.ensureDefault(1000);
    const second = await store.workspaces.ensureDefault(2000);
    expect(first).toEqual({ id: 'ws_default', name: 'Default', createdAt: 1000 });
    expect(second).toEqual(first);
  });

  it('returns undefined for a workspace that does not exist', async () => {
    expect(await getStore().workspaces.get('ws_nope')).toBeUndefined();
  });

  it('finds a key by its hash and lists keys per workspace', async () => {
    const { workspaces } = getStore();
    await workspaces.create({ id: 'ws_a', name: 'A', createdAt: 1 });
    await workspaces.create({ id: 'ws_b', name: 'B', createdAt: 1 });
    await workspaces.addKey({ id: 'key_1', workspaceId: 'ws_a', kind: 'write', hash: 'h1', prefix: 'sfw_1', createdAt: 10 });
    await workspaces.addKey({ id: 'key_2', workspaceId: 'ws_a', kind: 'admin', hash: 'h2', prefix: 'sfa_2', createdAt: 11 });
    await workspaces.addKey({ id: 'key_3', workspaceId: 'ws_b', kind: 'write', hash: 'h3', prefix: 'sfw_3', createdAt: 12 });
    expect(await workspaces.findKeyByHash('h2')).toEqual({
      id: 'key_2',
      workspaceId: 'ws_a',
      kind: 'admin',
      hash: 'h2',
      prefix: 'sfa_2',
      createdAt: 11,
    });
    expect(await workspaces.findKeyByHash('nope')).toBeUndefined();
    expect((await workspaces.listKeys('ws_a')).map((k) => k.id)).toEqual(['key_1', 'key_2']);
    expect((await workspaces.listKeys('ws_b')).map((k) => k.id)).toEqual(['key_3']);
  });

  it('refuses two keys with the same hash', async () => {
    const { workspaces } = getStore();
    await workspaces.ensureDefault(1);
    await workspaces.addKey({ id: 'key_1', workspaceId: 'ws_default', kind: 'write', hash: 'same', prefix: 'p', createdAt: 1 });
    await expect(
      workspaces.addKey({ id: 'key_2', workspaceId: 'ws_default', kind: 'admin', hash: 'same', prefix: 'p', createdAt: 1 }),
    ).rejects.toThrow();
  });

  it('removes only the keys of the given kind', async () => {
    const { workspaces } = getStore();
    await workspaces.ensureDefault(1);
    await workspaces.addKey({ id: 'key_w', workspaceId: 'ws_default', kind: 'write', hash: 'hw', prefix: 'p', createdAt: 1 });
    await workspaces.addKey({ id: 'key_a', workspaceId: 'ws_default', kind: 'admin', hash: 'ha', prefix: 'p', createdAt: 2 });
    await workspaces.removeKeys('ws_default', 'write');
    expect((await workspaces.listKeys('ws_default')).map((k) => k.kind)).toEqual(['admin']);
    expect(await workspaces.findKeyByHash('hw')).toBeUndefined();
  });

  it('round-trips settings as JSON values, overwrites them, and keeps workspaces apart', async () => {
    const { workspaces } = getStore();
    await workspaces.create({ id: 'ws_a', name: 'A', createdAt: 1 });
    await workspaces.create({ id: 'ws_b', name: 'B', createdAt: 1 });
    expect(await workspaces.getSetting('ws_a', 'sendgrid')).toBeUndefined();
    const value = { apiKey: 'secret', regions: ['eu', 'us'], retries: 3, enabled: true, note: null };
    await workspaces.setSetting('ws_a', 'sendgrid', value);
    expect(await workspaces.getSetting('ws_a', 'sendgrid')).toEqual(value);
    await workspaces.setSetting('ws_a', 'sendgrid', 'replaced');
    expect(await workspaces.getSetting('ws_a', 'sendgrid')).toBe('replaced');
    expect(await workspaces.getSetting('ws_b', 'sendgrid')).toBeUndefined();
    await workspaces.setSetting('ws_a', 'sendgrid', undefined);
    expect(await workspaces.getSetting('ws_a', 'sendgrid')).toBeUndefined();
  });

  it('revokes a key of its own workspace only, keeps its row, and bumps the auth generation once', async () => {
    const { workspaces } = getStore();
    await workspaces.create({ id: 'ws_a', name: 'A', createdAt: 1 });
    await workspaces.create({ id: 'ws_b', name: 'B', createdAt: 2 });
    await workspaces.addKey({ id: 'key_a', workspaceId: 'ws_a', kind: 'admin', hash: 'ha', prefix: 'p', createdAt: 1, name: 'ci' });
    const before = await workspaces.authGeneration();
    expect(await workspaces.revokeKey('ws_b', 'key_a', 50)).toBeUndefined();
    expect(await workspaces.authGeneration()).toBe(before);
    expect(await workspaces.revokeKey('ws_a', 'key_a', 50)).toMatchObject({ id: 'key_a', name: 'ci', revokedAt: 50 });
    expect(await workspaces.authGeneration()).toBe(before + 1);
    expect(await workspaces.revokeKey('ws_a', 'key_a', 99)).toMatchObject({ revokedAt: 50 });
    expect(await workspaces.authGeneration()).toBe(before + 1);
    expect(await workspaces.findKeyByHash('ha')).toMatchObject({ revokedAt: 50 });
    expect((await workspaces.list()).map((w) => w.id)).toEqual(['ws_a', 'ws_b']);
  });
}
