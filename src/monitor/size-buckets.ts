/** The two resolutions the size history keeps. */
export type SizeResolution = 'hour' | 'day';

/** Milliseconds per bucket of each resolution. */
export const BUCKET_MS: Readonly<Record<SizeResolution, number>> = { hour: 60 * 60 * 1000, day: 24 * 60 * 60 * 1000 };

/** The start (UTC) of the bucket holding `t`. */
export function bucketStart(t: number, resolution: SizeResolution): number {
  const ms = BUCKET_MS[resolution];
  return Math.floor(t / ms) * ms;
}

/** One point of a size series: the bucket's start, the size at its end, and the entries and exits in it. */
export interface SizePoint {
  readonly t: number;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
}

/**
 * Fills a sparse list of stored buckets (ascending) into one point per bucket from `from` to `to` (inclusive,
 * both rounded down to bucket starts): a bucket without changes carries the previous size, starting from
 * `sizeBefore` (the size at the end of the last bucket before `from`).
 */
export function fillSeries(stored: readonly SizePoint[], sizeBefore: number, from: number, to: number, resolution: SizeResolution): SizePoint[] {
  const step = BUCKET_MS[resolution];
  const out: SizePoint[] = [];
  let i = 0;
  let size = sizeBefore;
  for (let t = bucketStart(from, resolution); t <= bucketStart(to, resolution); t += step) {
    while (i < stored.length && stored[i]!.t < t) size = stored[i++]!.size;
    const here = stored[i];
    if (here !== undefined && here.t === t) {
      size = here.size;
      out.push(here);
      i++;
    } else {
      out.push({ t, size, entered: 0, exited: 0 });
    }
  }
  return out;
}
