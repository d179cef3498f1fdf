/**
 * Which partitions of the event log each engine process should own: partition `i` goes to the `(i mod n)`-th
 * of the `n` live engine processes sorted by id. A pure policy every process computes alike from the same
 * heartbeat rows, so there is nothing to negotiate (no home-made consensus): each process asks for the leases of
 * its own share and gives up the others. Every process gets ⌊P/n⌋ or ⌈P/n⌉ of the P partitions; a process joining
 * or leaving moves about P/n of them. While two processes' views of the live set differ (one heartbeat), one may
 * want a partition the other still holds: the lease (not this policy) decides, so the partition stays with its
 * holder until it gives it up, and is never run twice.
 */
export function assignPartitions(partitions: number, engineProcessIds: readonly string[]): Map<string, number[]> {
  const ids = [...new Set(engineProcessIds)].sort();
  const out = new Map<string, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  for (let p = 0; p < partitions; p++) out.get(ids[p % ids.length] as string)?.push(p);
  return out;
}
