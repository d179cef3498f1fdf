import type { ProfileEntry } from './profile-entry.js';

/** A held entry, its second-chance flag and its size when last measured. */
interface Slot {
  entry: ProfileEntry;
  used: boolean;
  bytes: number;
}

/** The bounds of a {@link ProfileCache}: whichever is reached first evicts. */
export interface ProfileCacheBounds {
  /** Profiles held at most (default 100,000). */
  readonly maxProfiles?: number;
  /** Estimated bytes held at most (default 256 MiB); see {@link entryBytes}. */
  readonly maxBytes?: number;
}

/** The default byte bound of the engine's profile cache: 256 MiB. */
export const DEFAULT_CACHE_BYTES = 256 * 2 ** 20;

/**
 * The estimated heap bytes of one entry: its state's running estimate ({@link ProfileState.approximateBytes},
 * O(1)) plus its memberships and timers (a map entry, a boxed instant, the segment id they point at). Calibrated
 * against heap measurements after a forced GC (docs/engine.md, "Memory").
 */
export function entryBytes(entry: ProfileEntry): number {
  return entry.state.approximateBytes() + 550 + 48 * (entry.members.size + entry.timers.size);
}

/**
 * A cache of profile entries with second-chance (CLOCK) eviction, an approximation of least-recently-used that
 * costs a flag write per hit instead of a re-insertion: a `Map` keeps insertion order; a hit marks the entry;
 * eviction takes the oldest entry, except that a marked one is unmarked and moved to the end instead. Evicting
 * is always safe: an entry is rebuilt from the log on the next miss. The flag lives beside the entry, so a hit
 * is one map lookup.
 *
 * Bounded in profiles and in bytes: a few very active profiles can hold more than thousands of quiet ones, so a
 * count alone does not bound the process's memory. Each entry's size is re-measured (O(1)) when it is stored and
 * at each hit, which reflects what its previous use added; eviction runs when an entry is stored. The bound
 * must leave room for one batch's profiles (an entry evicted in the middle of a batch would be rebuilt without
 * the batch's uncommitted writes); the engine's batches hold at most a few thousand profiles.
 */
export class ProfileCache {
  private readonly slots = new Map<string, Slot>();
  private readonly maxProfiles: number;
  private readonly maxBytes: number;
  private held = 0;

  constructor(bounds: ProfileCacheBounds = {}) {
    this.maxProfiles = bounds.maxProfiles ?? 100_000;
    this.maxBytes = bounds.maxBytes ?? DEFAULT_CACHE_BYTES;
  }

  /** The entry of a profile, marking it recently used. */
  get(profileId: string): ProfileEntry | undefined {
    const slot = this.slots.get(profileId);
    if (slot === undefined) return undefined;
    slot.used = true;
    const bytes = entryBytes(slot.entry);
    this.held += bytes - slot.bytes;
    slot.bytes = bytes;
    return slot.entry;
  }

  /** Stores an entry, evicting entries not used since their last chance beyond either bound. */
  set(profileId: string, entry: ProfileEntry): void {
    this.delete(profileId);
    const bytes = entryBytes(entry);
    this.slots.set(profileId, { entry, used: false, bytes });
    this.held += bytes;
    // The entry just stored is never evicted here: at worst the cache holds it alone.
    while (this.slots.size > 1 && (this.slots.size > this.maxProfiles || this.held > this.maxBytes)) {
      const [oldest, slot] = this.slots.entries().next().value as [string, Slot];
      this.slots.delete(oldest);
      if (slot.used || oldest === profileId) {
        slot.used = false;
        this.slots.set(oldest, slot);
      } else {
        this.held -= slot.bytes;
      }
    }
  }

  /** Forgets one profile. */
  delete(profileId: string): void {
    const slot = this.slots.get(profileId);
    if (slot === undefined) return;
    this.slots.delete(profileId);
    this.held -= slot.bytes;
  }

  /** Forgets everything (the rule set changed, or a write failed). */
  clear(): void {
    this.slots.clear();
    this.held = 0;
  }

  /** How many entries are held. */
  get size(): number {
    return this.slots.size;
  }

  /** The estimated bytes held (as last measured: at each entry's last store or hit). */
  get bytes(): number {
    return this.held;
  }

  /** Every held entry (for the memory figure). */
  *values(): IterableIterator<ProfileEntry> {
    for (const slot of this.slots.values()) yield slot.entry;
  }
}
