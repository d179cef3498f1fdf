import type { Repos } from '../store/index.js';
import { appendAndReport } from './append-and-report.js';
import { dropSuppressed } from './drop-suppressed.js';
import { findExistingMessages } from './find-existing-messages.js';
import type { GroupJob, JobOutcome } from './group-job.js';
import { withIdentityCache } from './identity-cache.js';
import { prefetchIdentities } from './prefetch-identities.js';
import { resolveMessages } from './resolve-messages.js';
import { widenFirstLastSeen } from './widen-first-last-seen.js';

/** What one group commit produced: each job's results and the highest seq appended (0 when none). */
export interface GroupCommitResult {
  readonly outcomes: JobOutcome[];
  readonly lastSeq: number;
}

/**
 * The body of one group commit, to run inside one store transaction `tx`: drop messages of suppressed (erased)
 * people, find the messages already stored,
 * prefetch the identities of the others, resolve them message by message, widen first/last seen, append the
 * events and report each message's result. Safe to run again from the start after a rollback (it keeps no
 * state across runs), which is how a conflict with another writer is retried.
 */
export async function commitGroup(tx: Repos, all: readonly GroupJob[], now: number): Promise<GroupCommitResult> {
  const outcomes: JobOutcome[] = all.map(() => new Map());
  const jobs = await dropSuppressed(tx.sql, all, outcomes);
  const existing = await findExistingMessages(tx.events, jobs);
  const profiles = withIdentityCache(tx.profiles);
  const identitiesOf = await prefetchIdentities(profiles, jobs, existing);
  const { pending, seen, merges } = await resolveMessages(profiles, jobs, existing, identitiesOf, now, outcomes);
  await widenFirstLastSeen(profiles, seen, merges, now);
  // Profiles created in this group are still held by the cache; the events about to be appended reference them.
  await profiles.flush();
  const lastSeq = await appendAndReport(tx.events, pending, merges, outcomes);
  return { outcomes, lastSeq };
}
