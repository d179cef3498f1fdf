import { describe, expect, it } from 'vitest';
import type { ExistingMessages } from './find-existing-messages.js';
import type { GroupJob, JobOutcome } from './group-job.js';
import { withIdentityCache } from './identity-cache.js';
import { MergeLog } from './merge-log.js';
import { prefetchIdentities } from './prefetch-identities.js';
import { resolveMessages } from './resolve-messages.js';
import { groupJob } from './testing/group-jobs.js';
import { MemoryStore } from './testing/memory-store.js';

const T = Date.UTC(2026, 5, 1);
const NO_EXISTING: ExistingMessages = { has: () => false };

async function resolve(store: MemoryStore, jobs: GroupJob[], existing = NO_EXISTING) {
  const outcomes: JobOutcome[] = jobs.map(() => new Map());
  const profiles = withIdentityCache(store.profiles);
  const identities = await prefetchIdentities(profiles, jobs, existing);
  const resolved = await resolveMessages(profiles, jobs, existing, identities, T, outcomes);
  await profiles.flush();
  return { ...resolved, outcomes };
}

describe('resolveMessages', () => {
  it('reports a messageId repeated in the group or already stored as a duplicate and builds no event for it', async () => {
    const store = new MemoryStore();
    const a = groupJob('ws_a', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }, { type: 'track', userId: 'u1', event: 'A', messageId: 'old' }], T);
    const b = groupJob('ws_a', [{ type: 'track', userId: 'u1', event: 'A', messageId: 'm1' }], T);
    const { pending, outcomes } = await resolve(store, [a, b], { has: (_ws, id) => id === 'old' });
    expect(pending.map((p) => p.event.messageId)).toEqual(['m1']);
    expect(outcomes[0]!.get(1)).toEqual({ outcome: 'duplicate', type: 'track', messageId: 'old' });
    expect(outcomes[1]!.get(0)).toEqual({ outcome: 'duplicate', type: 'track', messageId: 'm1' });
  });

  it('gives messages of one new user one new profile, and records the merge an alias makes', async () => {
    const store = new MemoryStore();
    const job = groupJob(
      'ws_a',
      [
        { type: 'identify', userId: 'u9', traits: { plan: 'pro' }, messageId: 'm1' },
        { type: 'track', anonymousId: 'a9', event: 'Viewed', messageId: 'm2' },
        { type: 'alias', userId: 'u9', previousId: 'a9', messageId: 'm3' },
      ],
      T,
    );
    const { pending, merges } = await resolve(store, [job]);
    const [user, anon, alias] = pending.map((p) => p.event.profileId);
    expect(user).not.toBe(anon);
    expect(merges.survivor(anon!)).toBe(user);
    expect(alias).toBe(user);
    expect((await store.profiles.get('ws_a', user!))?.traits).toEqual({ plan: 'pro' });
  });

  it('records each profile\'s earliest and latest event time and the clamped-timestamp warning', async () => {
    const store = new MemoryStore();
    const future = new Date(T + 3 * 86_400_000).toISOString();
    const job = groupJob(
      'ws_a',
      [
        { type: 'track', userId: 'u1', event: 'A', timestamp: new Date(T - 5000).toISOString(), messageId: 'm1' },
        { type: 'track', userId: 'u1', event: 'A', timestamp: future, messageId: 'm2' },
      ],
      T,
    );
    const { pending, seen } = await resolve(store, [job]);
    const profileId = pending[0]!.event.profileId;
    expect([...seen.byWorkspace(new MergeLog())]).toEqual([['ws_a', [{ profileId, min: T - 5000, max: T }]]]);
    expect(pending[1]!.warnings).toEqual([`timestamp ${future} was more than 24h ahead of receipt and was clamped to receivedAt`]);
    expect(pending[1]!.event.context).toMatchObject({ segflow: { clampedTimestamp: future } });
  });

  it('applies a subscription signal to the profile', async () => {
    const store = new MemoryStore();
    const job = groupJob(
      'ws_a',
      [{ type: 'track', userId: 'u1', event: 'Email Bounced', properties: { bounce_type: 'hard', reason: 'sendgrid:bounce' }, messageId: 'm1' }],
      T,
    );
    const { pending } = await resolve(store, [job]);
    expect((await store.profiles.get('ws_a', pending[0]!.event.profileId))?.subscription).toMatchObject({ state: 'hard_bounced' });
  });
});
