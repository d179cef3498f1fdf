import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashKey } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { createTestSqliteStore } from '../store/testing/index.js';
import { bootstrapKeys, keysBanner } from './bootstrap-keys.js';

let store: Store;
beforeEach(async () => {
  store = await createTestSqliteStore();
});
afterEach(async () => {
  await store.close();
});

describe('bootstrapKeys', () => {
  it('creates one key of each kind on the first start and none on the next', async () => {
    const first = await bootstrapKeys(store, {}, 1);
    expect(first.writeKey).toMatch(/^sfw_/);
    expect(first.adminKey).toMatch(/^sfa_/);
    const keys = await store.workspaces.listKeys(first.workspaceId);
    expect(keys.map((k) => k.hash).sort()).toEqual([hashKey(first.writeKey!), hashKey(first.adminKey!)].sort());
    const second = await bootstrapKeys(store, {}, 2);
    expect(second).toEqual({ workspaceId: first.workspaceId });
  });

  it('makes the workspace have exactly the configured keys', async () => {
    await bootstrapKeys(store, {}, 1);
    const writeKey = 'configured-write-key-123';
    const adminKey = 'configured-admin-key-123';
    const result = await bootstrapKeys(store, { writeKey, adminKey }, 2);
    expect(result.writeKey).toBeUndefined();
    const keys = await store.workspaces.listKeys(result.workspaceId);
    expect(keys.map((k) => `${k.kind}:${k.hash}`).sort()).toEqual([`admin:${hashKey(adminKey)}`, `write:${hashKey(writeKey)}`].sort());
  });

  it('never stores a secret in clear', async () => {
    const result = await bootstrapKeys(store, {}, 1);
    const keys = await store.workspaces.listKeys(result.workspaceId);
    expect(JSON.stringify(keys)).not.toContain(result.writeKey!);
  });
});

describe('keysBanner', () => {
  it('shows both keys in a box', () => {
    const banner = keysBanner({ workspaceId: 'w', writeKey: 'sfw_x', adminKey: 'sfa_y' });
    expect(banner).toContain('sfw_x');
    expect(banner).toContain('sfa_y');
    expect(banner.split('\n')[0]).toMatch(/^\+-+\+$/);
  });
});
