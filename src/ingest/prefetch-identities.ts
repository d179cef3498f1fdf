import type { JsonObject } from '../core/index.js';
import { identityKey, type IdentityRef, type ProfileRepo } from '../store/index.js';
import type { ExistingMessages } from './find-existing-messages.js';
import type { GroupJob, PreparedMessage } from './group-job.js';
import { identitiesToLookUp, normaliseEmail, type MessageIdentities } from './resolve-identity.js';
import type { SegmentMessage } from './validate.js';

/** The identifiers a message carries, as identity resolution reads them. */
export function identitiesOfMessage(message: SegmentMessage): MessageIdentities {
  const email =
    normaliseEmail(message.type === 'identify' ? message.traits.email : undefined) ??
    normaliseEmail((message.context.traits as JsonObject | undefined)?.email);
  return { userId: message.userId, anonymousId: message.anonymousId, email, previousId: message.previousId };
}

/**
 * Group-commit step 2: looks up every identity the group's new messages may need in one
 * {@link ProfileRepo.findByIdentities} query per workspace. `profiles` is the group's identity cache
 * (`withIdentityCache`), which the query seeds, misses included, so that resolving message by message then
 * reads memory. Identifiers still unknown are locked against other writers first (on PostgreSQL; see
 * {@link ProfileRepo.lockIdentities}) and looked up again, so that two processes seeing one new person at once
 * give them one profile. Returns each new message's identifiers; messages already stored get none.
 */
export async function prefetchIdentities(
  profiles: Pick<ProfileRepo, 'findByIdentities' | 'lockIdentities'>,
  jobs: readonly GroupJob[],
  existing: ExistingMessages,
): Promise<Map<PreparedMessage, MessageIdentities>> {
  const identitiesOf = new Map<PreparedMessage, MessageIdentities>();
  const lookUp = new Map<string, IdentityRef[]>();
  for (const job of jobs) {
    const keys = lookUp.get(job.workspaceId) ?? [];
    lookUp.set(job.workspaceId, keys);
    for (const p of job.prepared) {
      if (existing.has(job.workspaceId, p.messageId)) continue;
      const ids = identitiesOfMessage(p.message);
      identitiesOf.set(p, ids);
      keys.push(...identitiesToLookUp(ids));
    }
  }
  for (const [workspaceId, keys] of lookUp) {
    if (keys.length === 0) continue;
    const found = await profiles.findByIdentities(workspaceId, keys);
    const unknown = keys.filter((k) => !found.has(identityKey(k.kind, k.value)));
    // Identifiers this group may create: lock them against other writers, then read again what one of them
    // attached before we held the locks (see ProfileRepo.lockIdentities).
    if (unknown.length > 0 && (await profiles.lockIdentities(workspaceId, unknown))) await profiles.findByIdentities(workspaceId, unknown);
  }
  return identitiesOf;
}
