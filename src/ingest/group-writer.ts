import { isWriteConflict, type Store } from '../store/index.js';
import { commitGroup, type GroupCommitResult } from './commit-group.js';
import type { GroupJob } from './group-job.js';

/** Runs of one group commit before a write conflict with another process is thrown (see {@link StoreGroupWriter}). */
const MAX_COMMIT_ATTEMPTS = 5;

/**
 * Where a group of ingestion jobs is committed: {@link StoreGroupWriter} in the calling thread, or
 * `ThreadGroupWriter` (SQLite) on a writer thread of its own. Either way `write` resolves only after the group's
 * transaction committed, so an acknowledged event is durable.
 */
export interface GroupWriter {
  /** Commits the jobs in ONE transaction ({@link commitGroup}) and returns each job's results. */
  write(jobs: readonly GroupJob[], now: number): Promise<GroupCommitResult>;
  /** Releases what the writer holds (a thread); the ingestion queue is drained before. */
  close(): Promise<void>;
}

/**
 * A {@link GroupWriter} on a store in the calling thread. Runs the group commit, again from the start when it
 * lost a race with another writer. Two processes that see the same new user at once both miss the identity and
 * both create a profile; on PostgreSQL the second INSERT of the identifier waits for the first transaction and
 * then finds it taken (IdentityTakenError), or the two wait on each other's identifiers and PostgreSQL aborts one
 * (deadlock). Either way the loser's whole transaction rolled back, and re-running it reads the winner's
 * committed profile, so the person keeps one profile and nobody gets a 500. Locking every new identifier up
 * front in a global order would avoid the aborts, but costs a round trip on every group for a race that is
 * rare; the retry costs only when it happens. Bounded: a conflict that persists is a bug and is thrown.
 */
export class StoreGroupWriter implements GroupWriter {
  constructor(private readonly store: Store) {}

  async write(jobs: readonly GroupJob[], now: number): Promise<GroupCommitResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.transaction((tx) => commitGroup(tx, jobs, now));
      } catch (error) {
        if (attempt >= MAX_COMMIT_ATTEMPTS || !isWriteConflict(error)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    // The store belongs to the caller.
  }
}
