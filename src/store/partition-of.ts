/**
 * The 32-bit FNV-1a hash of a profile id's UTF-8 bytes: which partition of the event log a profile lives in is
 * `profileHash(id) % partitions` ({@link partitionOf}). Computed in JavaScript, not by the database, so that the
 * engine, the store and a sharded deployment (where it is the distribution key) all agree on it without relying
 * on PostgreSQL's internal `hashtext`, whose values are not promised to stay the same across major versions.
 */
export function profileHash(profileId: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(profileId, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition (0 … `partitions` − 1) that owns a profile's events and engine work. */
export function partitionOf(profileId: string, partitions: number): number {
  return partitions <= 1 ? 0 : profileHash(profileId) % partitions;
}
