import type { Profile } from '../core/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import type { Repos } from '../store/index.js';
import { buildPayload, type SegmentInfo } from './build-payload.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import { messageIdOf } from './delivery-record.js';
import type { DestinationRecord } from './destination-record.js';
import { isEmailEligible } from './email-eligibility.js';
import type { ListSyncProvider, SyncFailure } from './list-sync/list-sync-provider.js';

/** What a resync found and did for one ESP list (or tag). */
export interface ResyncTargetReport {
  readonly target: string;
  /** The segments (ids) synced to it. */
  readonly segments: readonly string[];
  /** People segflow says belong there (members who may be emailed, with an email). */
  readonly expected: number;
  /** Emails the ESP has there, when its API can list them (null: it cannot; every expected member is sent again). */
  readonly inEsp: number | null;
  /** Adds queued: missing from the ESP (or every expected member, when the ESP cannot be read). */
  readonly added: readonly string[];
  /** Removals queued: in the ESP but not in the segments. */
  readonly removed: readonly string[];
}

/** A resync's report. */
export interface ResyncReport {
  readonly destinationId: string;
  /** The change-log seq the comparison was made at (the queued messages carry it). */
  readonly seq: number;
  readonly targets: readonly ResyncTargetReport[];
}

/** What a resync needs: the destination, its provider, segment lookups and the snapshot seq. */
export interface ResyncContext {
  readonly destination: DestinationRecord;
  readonly provider: ListSyncProvider;
  readonly targetOf: (segment: SegmentInfo) => string;
  readonly segments: readonly SegmentInfo[];
  readonly seq: number;
  readonly now: number;
}

/**
 * Reconciles an ESP destination with segflow: for each list (or tag) its segments go to, reads what the ESP has
 * (where the API can list it — Klaviyo) and compares it with the segments' current email-eligible members; the
 * differences become ordinary deliveries (adds and removals, seq = the snapshot) that the worker sends with the
 * usual retries and ordering. Where the ESP cannot be read (SendGrid, Mailchimp) every expected member is sent
 * again — the adds are idempotent upserts — and nothing can be removed. The reading happens before the
 * transaction (it is slow network work); `queue` then writes in one transaction.
 */
export async function planResync(
  tx: Pick<Repos, 'sql' | 'profiles'>,
  ctx: ResyncContext,
): Promise<{ ok: true; plan: { target: string; segments: SegmentInfo[]; add: Map<string, { profile: Profile; segment: SegmentInfo }>; remove: Set<string>; inEsp: number | null; expected: number }[] } | { ok: false; failure: SyncFailure }> {
  const members = new MembershipRepoSql(tx.sql);
  const byTarget = new Map<string, SegmentInfo[]>();
  for (const s of ctx.segments) {
    const t = ctx.targetOf(s);
    byTarget.set(t, [...(byTarget.get(t) ?? []), s]);
  }
  const plan = [];
  for (const [target, segments] of byTarget) {
    const expected = new Map<string, { profile: Profile; segment: SegmentInfo }>();
    for (const segment of segments) {
      let after: string | null = null;
      for (;;) {
        const page = await members.members(segment.id, after, 1000);
        if (page.length === 0) break;
        for (const m of page) {
          const profile = await tx.profiles.get(ctx.destination.workspaceId, m.profileId);
          if (!profile || !isEmailEligible(profile)) continue;
          const email = String(profile.traits.email).trim().toLowerCase();
          if (!expected.has(email)) expected.set(email, { profile, segment });
        }
        after = page[page.length - 1]?.profileId ?? null;
      }
    }
    const read = ctx.provider.members ? await ctx.provider.members(target) : undefined;
    if (read && !read.ok) return { ok: false, failure: read.failure };
    const inEsp = read?.ok ? read.emails : undefined;
    const add = new Map([...expected].filter(([email]) => !inEsp || !inEsp.has(email)));
    const remove = new Set([...(inEsp ?? [])].filter((email) => !expected.has(email)));
    plan.push({ target, segments, add, remove, inEsp: inEsp ? inEsp.size : null, expected: expected.size });
  }
  return { ok: true, plan };
}

/** Writes a resync plan as deliveries (inside the caller's transaction); returns the report. */
export async function queueResync(
  tx: Pick<Repos, 'sql'>,
  ctx: Pick<ResyncContext, 'destination' | 'seq' | 'now'>,
  plan: Extract<Awaited<ReturnType<typeof planResync>>, { ok: true }>['plan'],
): Promise<ResyncReport> {
  const deliveries = new DeliveryRepoSql(tx.sql);
  const dest = ctx.destination;
  let sub = await deliveries.nextSub(dest.id, ctx.seq);
  const targets: ResyncTargetReport[] = [];
  const insert = async (kind: 'entered' | 'exited', segment: SegmentInfo, profileId: string, profile: Profile | undefined, email: string): Promise<void> => {
    const payload = buildPayload({
      kind,
      segment,
      profileId,
      profile,
      at: ctx.now,
      recordedAt: ctx.now,
      cause: { kind: 'backfill' },
      ...(dest.config.fields ? { traitNames: Object.keys(dest.config.fields) } : {}),
    });
    const withEmail = { ...payload, data: { ...payload.data, profile: { ...payload.data.profile, email } } };
    await deliveries.insert(
      { id: messageIdOf(dest.id, ctx.seq, sub), destinationId: dest.id, workspaceId: dest.workspaceId, seq: ctx.seq, sub, profileId, segmentId: segment.id, kind, payload: withEmail },
      ctx.now,
    );
    sub++;
  };
  for (const t of plan) {
    for (const [email, { profile, segment }] of t.add) await insert('entered', segment, profile.id, profile, email);
    // Someone in the ESP that segflow does not know as a member: removed under the first segment of the target.
    const first = t.segments[0] as SegmentInfo;
    for (const email of t.remove) await insert('exited', first, `esp:${email}`, undefined, email);
    targets.push({ target: t.target, segments: t.segments.map((s) => s.id), expected: t.expected, inEsp: t.inEsp, added: [...t.add.keys()].sort(), removed: [...t.remove].sort() });
  }
  return { destinationId: dest.id, seq: ctx.seq, targets };
}
