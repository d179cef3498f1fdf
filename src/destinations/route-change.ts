import type { MembershipChange, Profile } from '../core/index.js';
import type { Repos } from '../store/index.js';
import { buildPayload, type SegmentInfo } from './build-payload.js';
import type { MembershipWebhookPayload } from './destination.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import { messageIdOf } from './delivery-record.js';
import { selectsSegment, type DestinationRecord } from './destination-record.js';
import { hasConsent } from '../privacy/index.js';
import { isEmailEligible } from './email-eligibility.js';
import { ToldMembershipRepoSql } from './told-membership-repo-sql.js';

/** What routing needs besides the change: the open transaction, segment names, the eligibility segment. */
export interface RouteContext {
  readonly tx: Repos;
  readonly destination: DestinationRecord;
  readonly segmentInfo: (workspaceId: string, segmentId: string, version: number) => Promise<SegmentInfo>;
  /** The id of the workspace's `__email_eligible` system segment, when registered. */
  readonly eligibilitySegmentId: string | undefined;
  /** The workspace's consent system segments this destination watches: segment id → category (consent-segments.ts). */
  readonly consentSegments?: ReadonlyMap<string, string>;
  readonly now: number;
  /** The `sub` of the first message (several synthetic changes sharing one seq, as an initial sync makes). */
  readonly firstSub?: number;
}

/**
 * Turns one change-log entry into the deliveries one destination should get, inside the transaction that
 * also moves the destination's cursor (so a restart neither loses nor duplicates them):
 * - a change of a selected segment becomes one message;
 * - for an email-targeting destination, an `entered` of a person who is not email-eligible now (ProfileRepo)
 *   is suppressed but remembered (`told = false`); an `exited` is sent unless the entry was suppressed;
 * - for a destination that declares consent categories, likewise an `entered` of a person who has not granted
 *   all of them (`hasConsent`, src/privacy): a person without the consent is never sent to it;
 * - an exit from `__email_eligible` becomes an `exited` for every segment the destination was told the person
 *   is in, and an entry into it an `entered` for every segment whose entry was suppressed;
 * - likewise for a destination with consent categories, an exit from the `__consent_<category>` segment of one of
 *   them (consent withdrawn) and an entry into it (granted, and now every category and, for email, eligibility).
 * Returns how many deliveries were created.
 */
export async function routeChange(change: MembershipChange, ctx: RouteContext): Promise<number> {
  const { destination: dest, tx } = ctx;
  if (change.workspaceId !== dest.workspaceId) return 0;
  const told = new ToldMembershipRepoSql(tx.sql);
  const deliveries = new DeliveryRepoSql(tx.sql);
  let profile: Profile | undefined | null = null;
  const profileOf = async (): Promise<Profile | undefined> => {
    if (profile === null) profile = await tx.profiles.get(change.workspaceId, change.profileId);
    return profile;
  };
  const firstSub = ctx.firstSub ?? 0;
  let sub = firstSub;
  const emit = async (kind: 'entered' | 'exited', segment: SegmentInfo, cause: MembershipWebhookPayload['data']['cause']): Promise<void> => {
    const payload = buildPayload({
      kind,
      segment,
      profileId: change.profileId,
      profile: await profileOf(),
      at: change.at,
      recordedAt: change.recordedAt,
      cause,
      ...(dest.config.fields ? { traitNames: Object.keys(dest.config.fields) } : {}),
    });
    await deliveries.insert(
      {
        id: messageIdOf(dest.id, change.seq, sub),
        destinationId: dest.id,
        workspaceId: dest.workspaceId,
        seq: change.seq,
        sub,
        profileId: change.profileId,
        segmentId: segment.id,
        kind,
        payload,
      },
      ctx.now,
    );
    sub++;
  };

  if (ctx.eligibilitySegmentId !== undefined && change.segmentId === ctx.eligibilitySegmentId) {
    if (!dest.emailTargeting) return 0;
    const eligible = change.kind === 'entered';
    for (const m of await told.of(dest.id, change.profileId)) {
      // Entering eligibility tells what was held back; leaving it takes back what was told.
      if (m.told === eligible) continue;
      // Held back for want of consent, not (only) of email eligibility: still held back.
      if (eligible && !hasConsent(await profileOf(), dest.config.consentCategories)) continue;
      const info = await ctx.segmentInfo(change.workspaceId, m.segmentId, 0);
      await emit(change.kind, info, { kind: 'email_eligibility', eligible });
      await told.set(dest.id, change.profileId, m.segmentId, eligible);
    }
    return sub - firstSub;
  }

  const category = ctx.consentSegments?.get(change.segmentId);
  if (category !== undefined) {
    // Only a change of the person's consent is news here. An erasure or a merge exits every segment with its own
    // cause (those exits follow); a deleted consent segment is no withdrawal by anyone.
    if (change.cause.kind === 'erased' || change.cause.kind === 'profile_merged' || change.cause.kind === 'segment_deleted') return 0;
    const granted = change.kind === 'entered';
    for (const m of await told.of(dest.id, change.profileId)) {
      if (m.told === granted) continue;
      // Granting one category sends what was held back only once nothing else holds it back.
      if (granted) {
        const p = await profileOf();
        if (!hasConsent(p, dest.config.consentCategories) || (dest.emailTargeting && !isEmailEligible(p))) continue;
      }
      const info = await ctx.segmentInfo(change.workspaceId, m.segmentId, 0);
      await emit(change.kind, info, { kind: 'consent', category, granted });
      await told.set(dest.id, change.profileId, m.segmentId, granted);
    }
    return sub - firstSub;
  }

  if (!selectsSegment(dest.segments, change.segmentId)) return 0;
  const info = await ctx.segmentInfo(change.workspaceId, change.segmentId, change.segmentVersion);
  const segment = { ...info, version: change.segmentVersion };
  const needsConsent = (dest.config.consentCategories?.length ?? 0) > 0;
  if (!dest.emailTargeting && !needsConsent) {
    await emit(change.kind, segment, change.cause);
    return sub - firstSub;
  }
  if (change.kind === 'entered') {
    const p = await profileOf();
    const eligible = (!dest.emailTargeting || isEmailEligible(p)) && hasConsent(p, dest.config.consentCategories);
    await told.set(dest.id, change.profileId, change.segmentId, eligible);
    if (eligible) await emit('entered', segment, change.cause);
    return sub - firstSub;
  }
  const known = await told.get(dest.id, change.profileId, change.segmentId);
  await told.remove(dest.id, change.profileId, change.segmentId);
  // Never told about the entry (suppressed): an exit would be news of a membership it never heard of.
  if (known && !known.told) return 0;
  await emit('exited', segment, change.cause);
  return sub - firstSub;
}
