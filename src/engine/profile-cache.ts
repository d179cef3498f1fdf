import type { ProfileEntry } from './profile-entry.js';

/** A held entry and its second-chance flag. */
interface Slot {
  entry: ProfileEntry;
  used: boolean;
}

/**
 * A cache of profile entries with second-chance (CLOCK) eviction, an approximation of least-recently-used that
 * costs a flag write per hit instead of a re-insertion: a `Map` keeps insertion order; a hit marks the entry;
 * eviction takes the oldest entry, except that a marked one is unmarked and moved to the end instead. Evicting
 * is always safe: an entry is rebuilt from the log on the next miss. The flag lives beside the entry, so a hit
 * is one map lookup.
 */
export class ProfileCache {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly capacity: number) {}

  /** The entry of a profile, marking it recently used. */
  get(profileId: string): ProfileEntry | undefined {
    const slot = this.slots.get(profileId);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.entry;
  }

  /** Stores an entry, evicting entries not used since their last chance beyond capacity. */
  set(profileId: string, entry: ProfileEntry): void {
    this.slots.delete(profileId);
    this.slots.set(profileId, { entry, used: false });
    while (this.slots.size > this.capacity) {
      const [oldest, slot] = this.slots.entries().next().value as [string, Slot];
      this.slots.delete(oldest);
      if (slot.used) {
        slot.used = false;
        this.slots.set(oldest, slot);
      }
    }
  }

  /** Forgets one profile. */
  delete(profileId: string): void {
    this.slots.delete(profileId);
  }

  /** Forgets everything (the rule set changed, or a write failed). */
  clear(): void {
    this.slots.clear();
  }

  /** How many entries are held. */
  get size(): number {
    return this.slots.size;
  }

  /** Every held entry (for the memory figure). */
  *values(): IterableIterator<ProfileEntry> {
    for (const slot of this.slots.values()) yield slot.entry;
  }
}
