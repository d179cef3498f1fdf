import type { Repos } from '../store/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import type { SegmentInfo } from './build-payload.js';
import type { DestinationRecord } from './destination-record.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import { routeChange } from './route-change.js';

/** What an initial sync needs: the open transaction, the destination, the snapshot seq and segment lookups. */
export interface InitialSyncContext {
  readonly tx: Repos;
  readonly destination: DestinationRecord;
  /** The change-log head the snapshot is taken at: the destination's cursor, and the seq of the backfill messages. */
  readonly seq: number;
  readonly segmentInfo: (workspaceId: string, segmentId: string) => Promise<SegmentInfo | undefined>;
  readonly eligibilitySegmentId: string | undefined;
  readonly now: number;
}

/**
 * Backfill: turns the current members of `segmentIds` into `entered` deliveries for one destination, inside the
 * transaction that also fixes its cursor at `seq`, so the destination gets the members as of `seq` and then
 * every change after it from the change log — nothing in between is lost or told twice. Each member goes
 * through {@link routeChange} as a synthetic change with cause `backfill` (so email-targeting suppression and
 * the told-membership bookkeeping apply exactly as for live changes); the messages share `seq` and are numbered
 * by `sub`. Returns how many deliveries were created.
 */
export async function initialSync(segmentIds: readonly string[], ctx: InitialSyncContext): Promise<number> {
  const members = new MembershipRepoSql(ctx.tx.sql);
  const { destination: dest } = ctx;
  let sub = await new DeliveryRepoSql(ctx.tx.sql).nextSub(dest.id, ctx.seq);
  const first = sub;
  for (const segmentId of segmentIds) {
    const info = await ctx.segmentInfo(dest.workspaceId, segmentId);
    if (!info) continue;
    let after: string | null = null;
    for (;;) {
      const page = await members.members(segmentId, after, 1000);
      if (page.length === 0) break;
      for (const m of page) {
        sub += await routeChange(
          {
            seq: ctx.seq,
            workspaceId: dest.workspaceId,
            segmentId,
            segmentVersion: info.version,
            profileId: m.profileId,
            kind: 'entered',
            at: ctx.now,
            recordedAt: ctx.now,
            cause: { kind: 'backfill' },
          },
          {
            tx: ctx.tx,
            destination: dest,
            eligibilitySegmentId: ctx.eligibilitySegmentId,
            now: ctx.now,
            firstSub: sub,
            segmentInfo: async () => info,
          },
        );
      }
      after = page[page.length - 1]?.profileId ?? null;
    }
  }
  return sub - first;
}
