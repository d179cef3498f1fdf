import type { ProfilePage, ProfileQueries } from '../api/index.js';
import { resolveProfileReference } from '../ingest/index.js';
import type { Store } from '../store/index.js';

/** {@link ProfileQueries} over the store: the shared reference resolver, then the profile and a page of events. */
export function storeProfileQueries(store: Pick<Store, 'profiles' | 'events'>): ProfileQueries {
  return {
    resolve: (workspaceId, ref) => resolveProfileReference(store.profiles, workspaceId, ref),
    async page(workspaceId, ref, { limit, beforeSeq, names }): Promise<ProfilePage | undefined> {
      const id = await resolveProfileReference(store.profiles, workspaceId, ref);
      const profile = id === undefined ? undefined : await store.profiles.get(workspaceId, id);
      if (profile === undefined) return undefined;
      const events = await store.events.listByProfile(workspaceId, profile.id, {
        limit: limit + 1,
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
        ...(names === undefined ? {} : { names }),
      });
      const page = events.slice(0, limit);
      return { profile, events: page, nextBefore: events.length > limit ? page[page.length - 1]!.seq : null };
    },
  };
}
