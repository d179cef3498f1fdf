import { describe, expect, it } from 'vitest';
import type { IdentityRef } from '../store/index.js';
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
    const profiles = { findByIdentities: async () => (queries++, new Map<string, string>()) };
    const job = groupJob('ws_a', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }], T);
    expect((await prefetchIdentities(profiles, [job], { has: () => true })).size).toBe(0);
    expect(queries).toBe(0);
  });
});
