import { describe, expect, it } from 'vitest';
import type { IdentityRef } from '../store/index.js';
import { withIdentityCache } from './identity-cache.js';
import { prefetchIdentities } from './prefetch-identities.js';
import { groupJob } from './testing/group-jobs.js';
import { MemoryStore } from './testing/memory-store.js';

const T = Date.UTC(2026, 5, 1);

describe('prefetchIdentities', () => {
  it('looks up every identifier of the new messages in one query per workspace and skips stored messages', async () => {
    const store = new MemoryStore();
    const queries: Array<{ workspaceId: string; keys: readonly IdentityRef[] }> = [];
    const profiles = {
      findByIdentities: (workspaceId: string, keys: readonly IdentityRef[]) => {
        queries.push({ workspaceId, keys });
        return store.profiles.findByIdentities(workspaceId, keys);
      },
      lockIdentities: store.profiles.lockIdentities,
    };
    const job = groupJob(
      'ws_a',
      [
        { type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: ' Ada@Example.com ' }, messageId: 'm1' },
        { type: 'track', anonymousId: 'a2', event: 'A', context: { traits: { email: 'bob@example.com' } }, messageId: 'm2' },
        { type: 'track', userId: 'stored', event: 'A', messageId: 'm3' },
      ],
      T,
    );
    const identities = await prefetchIdentities(profiles, [job], { has: (_ws, id) => id === 'm3' });
    expect(queries).toEqual([
      {
        workspaceId: 'ws_a',
        keys: [
          { kind: 'user_id', value: 'u1' },
          { kind: 'email', value: 'ada@example.com' },
          { kind: 'anonymous_id', value: 'a1' },
          { kind: 'email', value: 'bob@example.com' },
          { kind: 'anonymous_id', value: 'a2' },
        ],
      },
    ]);
    expect(identities.get(job.prepared[0]!)).toEqual({ userId: 'u1', anonymousId: 'a1', email: 'ada@example.com', previousId: null });
    expect(identities.has(job.prepared[2]!)).toBe(false);
  });

  it('makes no query when every message is already stored', async () => {
    let queries = 0;
    const profiles = { findByIdentities: async () => (queries++, new Map<string, string>()), lockIdentities: async () => false };
    const job = groupJob('ws_a', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }], T);
    expect((await prefetchIdentities(profiles, [job], { has: () => true })).size).toBe(0);
    expect(queries).toBe(0);
  });

  it('locks the unknown identifiers and reads them again, seeing a profile another writer attached meanwhile', async () => {
    const store = new MemoryStore();
    await store.profiles.create('ws_a', 'prof_known', 1);
    await store.profiles.addIdentity('ws_a', 'prof_known', 'anonymous_id', 'a1', 1);
    const locked: IdentityRef[][] = [];
    const repo = {
      ...store.profiles,
      // Stands for PostgreSQL: while we waited for the lock, another process created u1's profile.
      lockIdentities: async (workspaceId: string, keys: readonly IdentityRef[]) => {
        locked.push([...keys]);
        await store.profiles.create(workspaceId, 'prof_other', 2);
        await store.profiles.addIdentity(workspaceId, 'prof_other', 'user_id', 'u1', 2);
        return true;
      },
    };
    const profiles = withIdentityCache(repo);
    const job = groupJob('ws_a', [{ type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'm1' }], T);
    await prefetchIdentities(profiles, [job], { has: () => false });
    expect(locked).toEqual([[{ kind: 'user_id', value: 'u1' }]]);
    expect(await profiles.findByIdentity('ws_a', 'user_id', 'u1')).toBe('prof_other');
  });
});
