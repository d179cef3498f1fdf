import type { ReEntry } from './workflow-definition.js';

/** The largest instant stored (a run that may never be entered again). */
export const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Until when a person may not enter the workflow again (per run key), once a run that entered at `enteredAt`
 * ended at `endedAt`: `never` — forever; `always` — from the end on; `after D` — D after the entry, and not before
 * the run ended. While a run is active its key is blocked until {@link NEVER}: there is never a second active run.
 */
export function entryBlockedUntil(policy: ReEntry, enteredAt: number, endedAt: number): number {
  switch (policy.kind) {
    case 'never':
      return NEVER;
    case 'always':
      return endedAt;
    case 'after':
      return Math.max(endedAt, enteredAt + policy.ms);
  }
}
