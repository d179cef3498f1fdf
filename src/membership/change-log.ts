import type { MembershipChange } from '../core/index.js';

/**
 * The read side of the membership change log (the outbox). Everything downstream of the engine —
 * destinations, workflows, experiments, monitor, API and UI — reads membership changes only through this.
 */
export interface ChangeLog {
  /**
   * Changes with `seq > afterSeq` in seq order, at most `limit`, optionally for one workspace. Gap-free: a
   * consumer that stores the last seq it processed as its cursor never skips a change.
   */
  read(afterSeq: number, limit: number, workspaceId?: string): Promise<MembershipChange[]>;
  /** The highest readable seq (0 when empty). */
  head(): Promise<number>;
  /** Calls `listener` (in this process) after new changes commit; returns the unsubscribe function. */
  onAppended(listener: (lastSeq: number) => void): () => void;
}
