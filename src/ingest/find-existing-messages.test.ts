import { describe, expect, it } from 'vitest';
import { findExistingMessages } from './find-existing-messages.js';
import { groupJob } from './testing/group-jobs.js';
import { MemoryStore } from './testing/memory-store.js';

const T = Date.UTC(2026, 5, 1);

describe('findExistingMessages', () => {
  it('finds the messageIds the log already holds, per workspace, with one query per workspace', async () => {
    const store = new MemoryStore();
    const stored = { workspaceId: 'ws_a', profileId: 'prof_1', type: 'track', name: 'A', userId: 'u1', anonymousId: null } as const;
    await store.events.append([
      { ...stored, messageId: 'm1', timestamp: T, receivedAt: T, properties: {}, traits: {}, context: {} },
    ]);
    const calls: string[] = [];
    const events = {
      existing: (workspaceId: string, ids: readonly string[]) => {
        calls.push(`${workspaceId}:${ids.join(',')}`);
        return store.events.existing(workspaceId, ids);
      },
    };
    const jobs = [
      groupJob('ws_a', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }, { type: 'track', userId: 'u1', event: 'A', messageId: 'm2' }], T),
      groupJob('ws_b', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }], T),
      groupJob('ws_a', [{ type: 'track', userId: 'u2', event: 'A', messageId: 'm3' }], T),
    ];
    const existing = await findExistingMessages(events, jobs);
    expect(existing.has('ws_a', 'm1')).toBe(true);
    expect(existing.has('ws_a', 'm2')).toBe(false);
    expect(existing.has('ws_b', 'm1')).toBe(false);
    expect(calls).toEqual(['ws_a:m1,m2,m3', 'ws_b:m1']);
  });
});
