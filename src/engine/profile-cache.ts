import type { ProfileEntry } from './profile-entry.js';

/**
 * A cache of profile entries with second-chance (CLOCK) eviction, an approximation of least-recently-used that
 * costs a flag write per hit instead of a re-insertion: a `Map` keeps insertion order; a hit marks the entry;
 * eviction takes the oldest entry, except that a marked one is unmarked and moved to the end instead. Evicting
 * is always safe: an entry is rebuilt from the log on the next miss.
 */
export class ProfileCache {
  private readonly entries = new Map<string, ProfileEntry>();
  private readonly used = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** The entry of a profile, marking it recently used. */
  get(profileId: string): ProfileEntry | undefined {
    const entry = this.entries.get(profileId);
    if (entry !== undefined) this.used.add(profileId);
    return entry;
  }

  /** Stores an entry, evicting entries not used since their last chance beyond capacity. */
  set(profileId: string, entry: ProfileEntry): void {
    this.entries.delete(profileId);
    this.entries.set(profileId, entry);
    this.used.delete(profileId);
    while (this.entries.size > this.capacity) {
      const [oldest, value] = this.entries.entries().next().value as [string, ProfileEntry];
      this.entries.delete(oldest);
      if (this.used.delete(oldest)) this.entries.set(oldest, value);
    }
  }

  /** Forgets one profile. */
  delete(profileId: string): void {
    this.entries.delete(profileId);
    this.used.delete(profileId);
  }

  /** Forgets everything (the rule set changed, or a write failed). */
  clear(): void {
    this.entries.clear();
    this.used.clear();
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
