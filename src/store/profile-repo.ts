import type { IdentityKind, JsonObject, Profile, Subscription } from '../core/index.js';

/** One identifier of a person: an identity's kind and value. */
export interface IdentityRef {
  readonly kind: IdentityKind;
  readonly value: string;
}

/** The widening of one profile's first/last seen: the earliest and latest event time seen for it. */
export interface SeenRange {
  readonly profileId: string;
  readonly min: number;
  readonly max: number;
}

/** A brand-new profile and the identities it starts with, for {@link ProfileRepo.createWithIdentities}. */
export interface NewProfile {
  readonly profileId: string;
  readonly identities: readonly IdentityRef[];
}

/** The key of an identity in {@link ProfileRepo.findByIdentities}'s answer: `kind`, NUL, `value`. */
export function identityKey(kind: IdentityKind, value: string): string {
  return `${kind}\u0000${value}`;
}

/** Profiles: traits, identities and subscription state. Identity values are unique per workspace and kind. */
export interface ProfileRepo {
  /** The profile an identity points at (following merges), if any. */
  findByIdentity(workspaceId: string, kind: IdentityKind, value: string): Promise<string | undefined>;
  /**
   * {@link ProfileRepo.findByIdentity} for many identities in one query: maps {@link identityKey} of each known
   * identity to its profile (following merges); unknown identities are absent from the map.
   */
  findByIdentities(workspaceId: string, keys: readonly IdentityRef[]): Promise<Map<string, string>>;
  /**
   * Serialises the first sight of identifiers across writers: takes a lock on each of `keys` (identifiers a
   * transaction found unknown and may create) that lasts until the transaction ends, always in one global
   * order so that two writers never wait on each other. Returns true when another writer may have attached
   * some of them meanwhile, so the caller must look them up again before creating them (PostgreSQL); false
   * when no other writer can exist during the transaction (SQLite's single writer), where nothing is locked.
   */
  lockIdentities(workspaceId: string, keys: readonly IdentityRef[]): Promise<boolean>;
  /** Creates an empty profile with the given id; throws when the id exists. */
  create(workspaceId: string, profileId: string, now: number): Promise<void>;
  /**
   * {@link ProfileRepo.create} and {@link ProfileRepo.addIdentity} for many brand-new profiles, in one statement
   * per table: every profile is created at `now` with its identities (first seen at `now`). Throws, as those do,
   * when a profile id exists or an identity belongs to another profile.
   */
  createWithIdentities(workspaceId: string, profiles: readonly NewProfile[], now: number): Promise<void>;
  /**
   * Attaches an identity to a profile; a no-op if it is already attached to that profile. Throws
   * `IdentityTakenError` when it belongs to another profile: identity resolution must `merge` first (or, when
   * another writer attached it meanwhile, re-run its transaction).
   */
  addIdentity(workspaceId: string, profileId: string, kind: IdentityKind, value: string, now: number): Promise<void>;
  /** The profile with traits, identities and subscription; a merged id resolves to the surviving profile. */
  get(workspaceId: string, profileId: string): Promise<Profile | undefined>;
  /**
   * Top-level merge of traits (a `null` value removes the trait; nested objects are replaced, not merged).
   * Does not change first/last seen: those are event times, recorded by {@link ProfileRepo.touchMany}.
   */
  mergeTraits(workspaceId: string, profileId: string, traits: JsonObject, now: number): Promise<void>;
  /**
   * Records activity at event times: widens each profile's firstSeenAt/lastSeenAt to its range, in a few
   * statements whatever their number (a merged id's range lands on the surviving profile). An id may appear
   * more than once.
   */
  touchMany(workspaceId: string, ranges: readonly SeenRange[], now: number): Promise<void>;
  /**
   * Merges `fromId` into `intoId`: identities and events move to `intoId`, traits merge (the surviving
   * profile's values win), `fromId` keeps `mergedInto = intoId` so old references still resolve. Either id
   * may itself be a merged id (it is followed first); merging a profile into itself is a no-op.
   */
  merge(workspaceId: string, fromId: string, intoId: string, now: number): Promise<void>;
  /**
   * The ids of the profiles merged into `survivorId` (directly or, since merges re-point earlier merges, through
   * a chain), in id order: what the engine exits from every segment when a merge makes them survivors' aliases.
   */
  mergedInto(workspaceId: string, survivorId: string): Promise<string[]>;
  /** Replaces the subscription state (state, changedAt, reason, consent). */
  setSubscription(workspaceId: string, profileId: string, subscription: Subscription, now: number): Promise<void>;
  /** Live (not merged) profiles in id order after `afterId`, for scans and paging. */
  list(workspaceId: string, afterId: string | null, limit: number): Promise<Profile[]>;
  /** How many live (not merged) profiles the workspace has. */
  count(workspaceId: string): Promise<number>;
}
