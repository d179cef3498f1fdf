import type { Clock } from '../../core/index.js';
import type { SyncFailure } from './list-sync-provider.js';

/** How to wait between polls of an ESP's asynchronous job. */
export interface JobPolling {
  /** Waits `ms` (default: a timer on the injected clock). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Between polls (default 1 s). */
  readonly intervalMs: number;
  /** Polls at most before giving up with a retryable failure (default 300: five minutes at 1 s). */
  readonly maxPolls: number;
}

/** A sleep on the injected clock (a FakeClock in tests must be advanced; production uses the system clock). */
export function clockSleep(clock: Clock): (ms: number) => Promise<void> {
  return (ms) => new Promise((resolve) => clock.schedule(clock.now() + ms, resolve));
}

/** Default polling on `clock`: every second, for up to five minutes. */
export function defaultJobPolling(clock: Clock): JobPolling {
  return { sleep: clockSleep(clock), intervalMs: 1_000, maxPolls: 300 };
}

/** One look at a job: still running, finished (with what it came to), or the look itself failed. */
export type JobState<T> = { readonly kind: 'running' } | { readonly kind: 'finished'; readonly value: T } | { readonly kind: 'failed'; readonly failure: SyncFailure };

/**
 * Polls an asynchronous ESP job until it finishes: looks once at once (small jobs are often done), then every
 * `intervalMs`. A failed look ends the wait with its failure; a job still running after `maxPolls` looks is a
 * retryable failure (the members are sent again later, which the ESPs' upserts make harmless).
 */
export async function pollJob<T>(what: string, look: () => Promise<JobState<T>>, polling: JobPolling): Promise<JobState<T>> {
  for (let n = 0; n < polling.maxPolls; n++) {
    if (n > 0) await polling.sleep(polling.intervalMs);
    const state = await look();
    if (state.kind !== 'running') return state;
  }
  return { kind: 'failed', failure: { retryable: true, error: `${what} still running after ${polling.maxPolls} polls` } };
}
