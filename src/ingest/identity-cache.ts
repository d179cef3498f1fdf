import { identityKey, type IdentityRef, type ProfileRepo } from '../store/index.js';

/** A {@link ProfileRepo} with a per-transaction identity cache; `flush` writes the profiles it holds back. */
export interface CachedProfileRepo extends ProfileRepo {
  /** Writes the brand-new profiles (and their identities) still held in memory; call before other writes. */
  flush(): Promise<void>;
}

/**
 * Wraps a transaction's {@link ProfileRepo} so that identity lookups repeated within one group commit (the
 * same user sending many events in one batch, many batches in one group) hit memory instead of the database.
 * Creating a profile and attaching an identity update the cache; a merge clears it, since it re-points
 * identities. {@link ProfileRepo.findByIdentities} seeds it: a group commit looks up all its messages'
 * identities in one query up front, misses included, and then resolves message by message from memory.
 * Live for one transaction only: nothing outside it can change identities meanwhile.
 *
 * Brand-new profiles are held back too: `create` and the `addIdentity` calls on the profile just created are
 * written together by one {@link ProfileRepo.createWithIdentities} when anything else needs the database (any
 * other call but a lookup the cache answers) or on `flush`. A pending identity is always in the cache, so a
 * lookup that reaches the database never needs it there. Events do not go through this repo: flush before
 * appending them.
 *
 * Why not keep it across groups (an LRU in IngestService): another writer may merge profiles between two
 * groups (`segflow import` on the same SQLite file while `serve` runs, a second instance on PostgreSQL), and
 * while the profile repo's writes (touch, mergeTraits, setSubscription) follow `merged_into`, `events.append`
 * stores the profile id it is given: a cached id of a profile merged meanwhile would attach new events to the
 * merged-away profile. A cross-group cache needs the store to follow `merged_into` on append too, or to tell
 * whether another connection has written since (SQLite's `PRAGMA data_version`).
 */
export function withIdentityCache(repo: ProfileRepo): CachedProfileRepo {
  const cache = new Map<string, string | undefined>();
  const key = (workspaceId: string, kind: string, value: string): string => `${workspaceId}\u0000${kind}\u0000${value}`;
  // Profiles created but not written yet, all of one workspace and one `now` (a different one flushes first).
  let pending: { workspaceId: string; now: number; profiles: Map<string, IdentityRef[]> } | undefined;
  const flush = async (): Promise<void> => {
    if (pending === undefined) return;
    const { workspaceId, now, profiles } = pending;
    pending = undefined;
    await repo.createWithIdentities(
      workspaceId,
      [...profiles].map(([profileId, identities]) => ({ profileId, identities })),
      now,
    );
  };
  const flushed =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await flush();
      return fn(...args);
    };
  return {
    findByIdentity: async (workspaceId, kind, value) => {
      const k = key(workspaceId, kind, value);
      if (cache.has(k)) return cache.get(k);
      const found = await repo.findByIdentity(workspaceId, kind, value);
      cache.set(k, found);
      return found;
    },
    findByIdentities: async (workspaceId, keys) => {
      const out = new Map<string, string>();
      const missing = keys.filter(({ kind, value }) => {
        const k = key(workspaceId, kind, value);
        if (!cache.has(k)) return true;
        const found = cache.get(k);
        if (found !== undefined) out.set(identityKey(kind, value), found);
        return false;
      });
      if (missing.length === 0) return out;
      const found = await repo.findByIdentities(workspaceId, missing);
      for (const { kind, value } of missing) {
        const id = found.get(identityKey(kind, value));
        cache.set(key(workspaceId, kind, value), id);
        if (id !== undefined) out.set(identityKey(kind, value), id);
      }
      return out;
    },
    lockIdentities: async (workspaceId, keys) => {
      await flush();
      const mayHaveChanged = await repo.lockIdentities(workspaceId, keys);
      // Another writer may have attached them before we held the locks: forget the cached misses.
      if (mayHaveChanged) for (const { kind, value } of keys) cache.delete(key(workspaceId, kind, value));
      return mayHaveChanged;
    },
    create: async (workspaceId, profileId, now) => {
      if (pending !== undefined && (pending.workspaceId !== workspaceId || pending.now !== now)) await flush();
      pending ??= { workspaceId, now, profiles: new Map() };
      if (pending.profiles.has(profileId)) throw new Error(`profile ${profileId} is being created twice`);
      pending.profiles.set(profileId, []);
    },
    addIdentity: async (workspaceId, profileId, kind, value, now) => {
      const k = key(workspaceId, kind, value);
      const held = pending?.workspaceId === workspaceId && pending.now === now ? pending.profiles.get(profileId) : undefined;
      // Only an identity the cache knows to be unattached may be held back: it cannot conflict with anything.
      if (held !== undefined && cache.has(k) && cache.get(k) === undefined) {
        held.push({ kind, value });
      } else {
        await flush();
        await repo.addIdentity(workspaceId, profileId, kind, value, now);
      }
      cache.set(k, profileId);
    },
    createWithIdentities: flushed(repo.createWithIdentities.bind(repo)),
    get: flushed(repo.get.bind(repo)),
    mergeTraits: flushed(repo.mergeTraits.bind(repo)),
    touchMany: flushed(repo.touchMany.bind(repo)),
    merge: async (workspaceId, fromId, intoId, now) => {
      await flush();
      cache.clear();
      await repo.merge(workspaceId, fromId, intoId, now);
    },
    mergedInto: flushed(repo.mergedInto.bind(repo)),
    setSubscription: flushed(repo.setSubscription.bind(repo)),
    list: flushed(repo.list.bind(repo)),
    count: flushed(repo.count.bind(repo)),
    flush,
  };
}
