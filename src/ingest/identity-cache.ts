import { identityKey, type ProfileRepo } from '../store/index.js';

/**
 * Wraps a transaction's {@link ProfileRepo} so that identity lookups repeated within one group commit (the
 * same user sending many events in one batch, many batches in one group) hit memory instead of the database.
 * Creating a profile and attaching an identity update the cache; a merge clears it, since it re-points
 * identities. {@link ProfileRepo.findByIdentities} seeds it: a group commit looks up all its messages'
 * identities in one query up front, misses included, and then resolves message by message from memory. Live for one transaction only: nothing outside it can change identities meanwhile.
 *
 * Why not keep it across groups (an LRU in IngestService): another writer may merge profiles between two
 * groups (`segflow import` on the same SQLite file while `serve` runs, a second instance on PostgreSQL), and
 * while the profile repo's writes (touch, mergeTraits, setSubscription) follow `merged_into`, `events.append`
 * stores the profile id it is given: a cached id of a profile merged meanwhile would attach new events to the
 * merged-away profile. A cross-group cache needs the store to follow `merged_into` on append too, or to tell
 * whether another connection has written since (SQLite's `PRAGMA data_version`).
 */
export function withIdentityCache(repo: ProfileRepo): ProfileRepo {
  const cache = new Map<string, string | undefined>();
  const key = (workspaceId: string, kind: string, value: string): string => `${workspaceId}\u0000${kind}\u0000${value}`;
  return {
    ...bindAll(repo),
    async findByIdentity(workspaceId, kind, value) {
      const k = key(workspaceId, kind, value);
      if (cache.has(k)) return cache.get(k);
      const found = await repo.findByIdentity(workspaceId, kind, value);
      cache.set(k, found);
      return found;
    },
    async findByIdentities(workspaceId, keys) {
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
    async addIdentity(workspaceId, profileId, kind, value, now) {
      await repo.addIdentity(workspaceId, profileId, kind, value, now);
      cache.set(key(workspaceId, kind, value), profileId);
    },
    async merge(workspaceId, fromId, intoId, now) {
      cache.clear();
      await repo.merge(workspaceId, fromId, intoId, now);
    },
  };
}

function bindAll(repo: ProfileRepo): ProfileRepo {
  return {
    findByIdentity: repo.findByIdentity.bind(repo),
    findByIdentities: repo.findByIdentities.bind(repo),
    create: repo.create.bind(repo),
    addIdentity: repo.addIdentity.bind(repo),
    get: repo.get.bind(repo),
    mergeTraits: repo.mergeTraits.bind(repo),
    touch: repo.touch.bind(repo),
    touchMany: repo.touchMany.bind(repo),
    merge: repo.merge.bind(repo),
    setSubscription: repo.setSubscription.bind(repo),
    list: repo.list.bind(repo),
    count: repo.count.bind(repo),
  };
}
