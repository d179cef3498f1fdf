import type { ProfileEntry } from './profile-entry.js';

/**
 * A least-recently-used cache of profile entries (a `Map` keeps insertion order: a hit re-inserts the key, the
 * first key is the eviction victim). Evicting is always safe: an entry is rebuilt from the log on the next miss.
 */
export class ProfileCache {
  private readonly entries = new Map<string, ProfileEntry>();

  constructor(private readonly capacity: number) {}

  /** The entry of a profile, marking it recently used. */
  get(profileId: string): ProfileEntry | undefined {
    const entry = this.entries.get(profileId);
    if (entry !== undefined) {
      this.entries.delete(profileId);
      this.entries.set(profileId, entry);
    }
    return entry;
  }

  /** Stores an entry, evicting the least recently used ones beyond capacity. */
  set(profileId: string, entry: ProfileEntry): void {
    this.entries.delete(profileId);
    this.entries.set(profileId, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets one profile. */
  delete(profileId: string): void {
    this.entries.delete(profileId);
  }

  /** Forgets everything (the rule set changed, or a write failed). */
  clear(): void {
    this.entries.clear();
  }

  /** How many entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /** Every held entry (for the memory figure). */
  values(): IterableIterator<ProfileEntry> {
    return this.entries.values();
  }
}
