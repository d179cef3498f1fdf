import type { IdentityKind } from '../core/index.js';
import type { IdentityRef, ProfileRepo } from '../store/index.js';
import { newProfileId } from './profile-ids.js';

/** The identifiers one message carries. */
export interface MessageIdentities {
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** Lower-cased, trimmed email from identify traits or `context.traits.email`. */
  readonly email: string | null;
  /** `alias` only: the id the user was known by before (an anonymousId or an older userId). */
  readonly previousId?: string | null;
}

/** Which profile a message belongs to, and the merges resolving it caused. */
export interface IdentityResolution {
  readonly profileId: string;
  readonly created: boolean;
  /** Profiles merged away while resolving, in order: `from` now points at `into`. */
  readonly merged: ReadonlyArray<{ readonly from: string; readonly into: string }>;
}

/** Normalises an email the way identities store it (trimmed, lower-cased); null when it is not an email. */
export function normaliseEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 320 ? email : null;
}

interface Key {
  readonly kind: IdentityKind;
  readonly value: string;
  profileId: string | undefined;
  /** An alias's previousId: may join two userIds. */
  readonly explicit?: boolean;
  /** Owned by another person's profile: neither merged nor re-attached. */
  blocked?: boolean;
}

const NO_MERGES: IdentityResolution['merged'] = Object.freeze([]);

/** The message's only identifier, when it carries exactly one (an alias's previousId counts unless it is the userId). */
function singleIdentity(ids: MessageIdentities): { kind: IdentityKind; value: string } | undefined {
  const previousId = ids.previousId !== undefined && ids.previousId !== ids.userId ? ids.previousId : null;
  if (previousId !== null) return undefined;
  if (ids.userId !== null) return ids.email === null && ids.anonymousId === null ? { kind: 'user_id', value: ids.userId } : undefined;
  if (ids.email !== null) return ids.anonymousId === null ? { kind: 'email', value: ids.email } : undefined;
  return ids.anonymousId === null ? undefined : { kind: 'anonymous_id', value: ids.anonymousId };
}

/**
 * Every identity {@link resolveIdentity} may look up for these identifiers, so that a caller resolving many
 * messages can fetch them all in one {@link ProfileRepo.findByIdentities} query first (into a cache the
 * resolution then reads, see `withIdentityCache`).
 */
export function identitiesToLookUp(ids: MessageIdentities): IdentityRef[] {
  const keys: IdentityRef[] = [];
  if (ids.userId !== null) keys.push({ kind: 'user_id', value: ids.userId });
  if (ids.email !== null) keys.push({ kind: 'email', value: ids.email });
  if (ids.anonymousId !== null) keys.push({ kind: 'anonymous_id', value: ids.anonymousId });
  if (ids.previousId !== null && ids.previousId !== undefined && ids.previousId !== ids.userId) {
    keys.push({ kind: 'user_id', value: ids.previousId }, { kind: 'anonymous_id', value: ids.previousId });
  }
  return keys;
}

/**
 * Finds (or creates) the profile of a message and joins profiles the message proves to be one person.
 *
 * Lookup order gives the profile priority: userId, then email, then anonymousId, then an alias's previousId.
 * Every other profile found is merged into it through {@link ProfileRepo.merge} (identities, events and traits
 * move; the survivor's trait values win) unless both profiles carry a userId: two userIds are two people, so a
 * shared device's anonymousId does not glue them together, and a message with a new userId whose anonymousId
 * belongs to another user's profile starts a new profile (only `alias` joins two userIds). When the chosen profile has no userId and another
 * has one, the merge goes the other way. Identifiers seen for the first time are attached to the profile; an
 * identifier owned by a profile that could not be merged stays where it is. An unknown alias previousId is
 * attached as an anonymousId.
 */
export async function resolveIdentity(
  profiles: ProfileRepo,
  workspaceId: string,
  ids: MessageIdentities,
  now: number,
  createId: () => string = newProfileId,
): Promise<IdentityResolution> {
  const single = singleIdentity(ids);
  if (single !== undefined) {
    // One identifier (a track with only a userId, the bulk of traffic): nothing to check, merge or re-attach,
    // so the general path below would reach the same answer with one lookup, and a create when unknown.
    const found = await profiles.findByIdentity(workspaceId, single.kind, single.value);
    if (found !== undefined) return { profileId: found, created: false, merged: NO_MERGES };
    const target = createId();
    await profiles.create(workspaceId, target, now);
    await profiles.addIdentity(workspaceId, target, single.kind, single.value, now);
    return { profileId: target, created: true, merged: NO_MERGES };
  }
  const keys: Key[] = [];
  const lookup = async (kind: IdentityKind, value: string | null | undefined, explicit = false): Promise<void> => {
    if (value === null || value === undefined) return;
    keys.push({ kind, value, explicit, profileId: await profiles.findByIdentity(workspaceId, kind, value) });
  };
  await lookup('user_id', ids.userId);
  await lookup('email', ids.email);
  await lookup('anonymous_id', ids.anonymousId);
  if (ids.previousId !== null && ids.previousId !== undefined && ids.previousId !== ids.userId) {
    const asUser = await profiles.findByIdentity(workspaceId, 'user_id', ids.previousId);
    if (asUser !== undefined) keys.push({ kind: 'user_id', value: ids.previousId, explicit: true, profileId: asUser });
    else await lookup('anonymous_id', ids.previousId, true);
  }

  const userIdsOf = new Map<string, readonly string[]>();
  const userIds = async (profileId: string): Promise<readonly string[]> => {
    let known = userIdsOf.get(profileId);
    if (known === undefined) {
      const profile = await profiles.get(workspaceId, profileId);
      known = (profile?.identities ?? []).filter((i) => i.kind === 'user_id').map((i) => i.value);
      userIdsOf.set(profileId, known);
    }
    return known;
  };
  // A message with a userId cannot claim a profile that belongs to another userId (a shared device's
  // anonymousId, a reassigned email): those keys stay where they are. An alias's previousId is the exception:
  // it says explicitly that the two ids are one person.
  const usable: Key[] = [];
  const userProfile = keys.find((k) => k.kind === 'user_id' && k.value === ids.userId)?.profileId;
  for (const key of keys) {
    if (key.profileId === undefined) continue;
    // The userId's own profile (the common case: every key points at it) needs no check.
    if (ids.userId !== null && !key.explicit && key.profileId !== userProfile) {
      const owners = await userIds(key.profileId);
      if (owners.length > 0 && !owners.includes(ids.userId)) {
        key.blocked = true;
        continue;
      }
    }
    usable.push(key);
  }
  const candidates = [...new Set(usable.map((k) => k.profileId!))];
  const merged: Array<{ from: string; into: string }> = [];
  let created = false;
  let target: string;
  if (candidates.length === 0) {
    target = createId();
    await profiles.create(workspaceId, target, now);
    created = true;
  } else {
    target = candidates[0]!;
    for (const other of candidates.slice(1)) {
      const [targetUsers, otherUsers] = [await userIds(target), await userIds(other)];
      const aliasing = usable.some((k) => k.explicit && k.profileId === other);
      if (!aliasing && targetUsers.length > 0 && otherUsers.length > 0) continue; // two people: never merge
      const [from, into] = targetUsers.length === 0 && otherUsers.length > 0 ? [target, other] : [other, target];
      await profiles.merge(workspaceId, from, into, now);
      merged.push({ from, into });
      userIdsOf.set(into, [...targetUsers, ...otherUsers]);
      for (const key of keys) if (key.profileId === from) key.profileId = into;
      target = into;
    }
  }
  for (const key of keys) {
    if (key.profileId === undefined && !key.blocked) {
      await profiles.addIdentity(workspaceId, target, key.kind, key.value, now);
      key.profileId = target;
    }
  }
  return { profileId: target, created, merged };
}
