import type { EventRepo } from '../store/index.js';
import type { GroupJob } from './group-job.js';

/** The messageIds of a group that the log already holds. */
export interface ExistingMessages {
  has(workspaceId: string, messageId: string): boolean;
}

/**
 * Group-commit step 1: which of the group's messages are already stored (redeliveries), in one
 * {@link EventRepo.existing} query per workspace. Runs inside the group's transaction, so nothing can store one
 * of these ids between this check and the append.
 */
export async function findExistingMessages(events: Pick<EventRepo, 'existing'>, jobs: readonly GroupJob[]): Promise<ExistingMessages> {
  const byWorkspace = new Map<string, string[]>();
  for (const job of jobs) {
    const ids = byWorkspace.get(job.workspaceId) ?? [];
    byWorkspace.set(job.workspaceId, ids);
    for (const p of job.prepared) ids.push(p.messageId);
  }
  const found = new Map<string, Set<string>>();
  for (const [workspaceId, ids] of byWorkspace) found.set(workspaceId, await events.existing(workspaceId, ids));
  return { has: (workspaceId, messageId) => found.get(workspaceId)?.has(messageId) ?? false };
}
