import { Presets, SingleBar } from 'cli-progress';
import type { AdminClient } from '../admin-client.js';

/** How {@link waitForBackfills} shows progress and waits between polls. */
export interface BackfillWaitOptions {
  /** Draw a progress bar on stderr (a terminal, not --json). */
  readonly bar: boolean;
  /** Waits between two polls (default 250 ms of real time: the server's backfill runs meanwhile). */
  readonly pause?: () => Promise<void>;
}

/**
 * Waits until the backfills of the named segments are done, polling `GET /api/segments/{id}` and summing their
 * `backfill.done / total` (stored events) into one progress bar. A segment without a backfill, or that no longer
 * exists, counts as done. Returns the number of polls.
 */
export async function waitForBackfills(client: AdminClient, names: readonly string[], options: BackfillWaitOptions): Promise<number> {
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 250)));
  const bar = options.bar ? new SingleBar({ format: 'backfill {bar} {percentage}% | {value}/{total} events | {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : undefined;
  let started = false;
  let polls = 0;
  try {
    for (;;) {
      polls += 1;
      let done = 0;
      let total = 0;
      let running = false;
      for (const name of names) {
        const res = await client.getSegment(name);
        const backfill = res.ok ? res.value.segment.backfill : undefined;
        if (backfill === undefined) continue;
        running ||= backfill.state === 'running';
        done += backfill.done;
        total += backfill.total;
      }
      if (bar !== undefined) {
        if (!started) bar.start(Math.max(total, 1), done);
        started = true;
        bar.setTotal(Math.max(total, 1));
        bar.update(running ? done : Math.max(total, 1));
      }
      if (!running) return polls;
      await pause();
    }
  } finally {
    bar?.stop();
  }
}
