import type { EventRepo } from '../store/index.js';
import type { JobOutcome } from './group-job.js';
import type { MergeLog } from './merge-log.js';
import type { MessageResult } from './message-result.js';
import type { PendingEvent } from './resolve-messages.js';

/**
 * Group-commit step 5: appends the group's new events (each moved to its profile's survivor after the group's
 * merges) in one {@link EventRepo.append}, and reports each message's result into `outcomes`: accepted with
 * its seq, or a duplicate when the log already held its messageId. Returns the highest seq appended (0 when
 * none was).
 */
export async function appendAndReport(
  events: Pick<EventRepo, 'append'>,
  pending: readonly PendingEvent[],
  merges: MergeLog,
  outcomes: readonly JobOutcome[],
): Promise<number> {
  const toAppend = pending.map((p) => (merges.empty ? p.event : { ...p.event, profileId: merges.survivor(p.event.profileId) }));
  const appended = toAppend.length > 0 ? await events.append(toAppend) : { inserted: [], duplicates: [] };
  const seqOf = new Map(appended.inserted.map((e) => [`${e.workspaceId}\u0000${e.messageId}`, e.seq]));
  let lastSeq = 0;
  pending.forEach((p, i) => {
    const event = toAppend[i]!;
    const seq = seqOf.get(`${event.workspaceId}\u0000${event.messageId}`);
    const result: MessageResult =
      seq === undefined
        ? { outcome: 'duplicate', type: event.type, messageId: event.messageId }
        : { outcome: 'accepted', type: event.type, messageId: event.messageId, profileId: event.profileId, seq, warnings: p.warnings };
    if (seq !== undefined) lastSeq = Math.max(lastSeq, seq);
    outcomes[p.job]!.set(p.prepared.index, result);
  });
  return lastSeq;
}
