import type { JsonObject, NewEvent } from '../core/index.js';
import type { ProfileRepo } from '../store/index.js';
import { SeenMessageIds } from './dedupe.js';
import type { ExistingMessages } from './find-existing-messages.js';
import type { GroupJob, JobOutcome, PreparedMessage } from './group-job.js';
import { MergeLog } from './merge-log.js';
import { resolveIdentity, type MessageIdentities } from './resolve-identity.js';
import { SeenRanges } from './seen-ranges.js';
import { applySubscriptionSignal, contextWithTraitConsent, subscriptionSignalOf, unknownSubscription } from './subscription.js';

/** An event ready to append, with where its result goes. */
export interface PendingEvent {
  /** Index of the job in the group. */
  readonly job: number;
  readonly prepared: PreparedMessage;
  readonly event: NewEvent;
  readonly warnings: readonly string[];
}

/** What resolving a group's messages produced for the steps that follow. */
export interface ResolvedMessages {
  /** New events, in group order; their profile ids are as resolved, before later merges of the group. */
  readonly pending: readonly PendingEvent[];
  readonly seen: SeenRanges;
  readonly merges: MergeLog;
}

/** The event a message becomes on `profileId`, with the clamped-timestamp warning when there is one. */
export function eventOf(job: GroupJob, p: PreparedMessage, profileId: string): { event: NewEvent; warnings: string[] } {
  const { message } = p;
  const warnings: string[] = [];
  // Consent given in identify traits is stored where every reader of the log looks for consent.
  let context = contextWithTraitConsent(message) ?? message.context;
  if (p.clampedFrom !== undefined) {
    const original = new Date(p.clampedFrom).toISOString();
    warnings.push(`timestamp ${original} was more than 24h ahead of receipt and was clamped to receivedAt`);
    context = { ...context, segflow: { ...(context.segflow as JsonObject | undefined), clampedTimestamp: original } };
  }
  return {
    warnings,
    event: {
      workspaceId: job.workspaceId,
      messageId: p.messageId,
      profileId,
      type: message.type,
      name: message.name,
      userId: message.userId,
      anonymousId: message.anonymousId,
      timestamp: p.timestamp,
      receivedAt: job.meta.receivedAt,
      properties: message.properties,
      traits: message.traits,
      context,
    },
  };
}

/**
 * Group-commit step 3: message by message, in order: a messageId already stored or repeated within the group
 * is reported as a duplicate (into `outcomes`); any other message is resolved to its profile (creating and
 * merging profiles), its identify traits are merged, its subscription signal applied, its event time recorded
 * for first/last seen, and its event built. `identitiesOf` holds each new message's identifiers (from
 * `prefetchIdentities`); `profiles` should be the group's identity cache.
 */
export async function resolveMessages(
  profiles: ProfileRepo,
  jobs: readonly GroupJob[],
  existing: ExistingMessages,
  identitiesOf: ReadonlyMap<PreparedMessage, MessageIdentities>,
  now: number,
  outcomes: readonly JobOutcome[],
): Promise<ResolvedMessages> {
  const claimed = new SeenMessageIds();
  const seen = new SeenRanges();
  const merges = new MergeLog();
  const pending: PendingEvent[] = [];
  for (const [jobIndex, job] of jobs.entries()) {
    for (const p of job.prepared) {
      const { message } = p;
      if (!claimed.claim(job.workspaceId, p.messageId) || existing.has(job.workspaceId, p.messageId)) {
        outcomes[jobIndex]!.set(p.index, { outcome: 'duplicate', type: message.type, messageId: p.messageId });
        continue;
      }
      const ids = identitiesOf.get(p);
      if (ids === undefined) throw new Error(`no identities were prefetched for message ${p.messageId}`);
      const resolution = await resolveIdentity(profiles, job.workspaceId, ids, now);
      for (const m of resolution.merged) merges.record(m.from, m.into);
      const profileId = resolution.profileId;
      if (message.type === 'identify' && Object.keys(message.traits).length > 0) {
        await profiles.mergeTraits(job.workspaceId, profileId, message.traits, now);
      }
      seen.add(job.workspaceId, profileId, p.timestamp);
      const signal = subscriptionSignalOf(message);
      if (signal) {
        const current = (await profiles.get(job.workspaceId, profileId))?.subscription ?? unknownSubscription;
        const next = applySubscriptionSignal(current, signal, p.timestamp);
        if (next) await profiles.setSubscription(job.workspaceId, profileId, next, now);
      }
      pending.push({ job: jobIndex, prepared: p, ...eventOf(job, p, profileId) });
    }
  }
  return { pending, seen, merges };
}
