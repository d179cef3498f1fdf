/** Why a membership changed. */
export type ChangeCause =
  | { readonly kind: 'event'; readonly eventId: string }
  | { readonly kind: 'timer' }
  | { readonly kind: 'backfill' }
  | { readonly kind: 'rule_edit' }
  | { readonly kind: 'segment_deleted' }
  | { readonly kind: 'profile_merged'; readonly into: string }
  | { readonly kind: 'dependency'; readonly segmentId: string }
  /** The person was erased (a data-subject erasure request, see docs/privacy.md). */
  | { readonly kind: 'erased' };

/**
 * One entry of the membership change log: the outbox every downstream consumer (destinations, workflows,
 * experiments, monitor, UI) reads by cursor. `at` is the logical instant the membership changed (an event's
 * time, a window's expiry), which may be earlier than `recordedAt`.
 */
export interface MembershipChange {
  /** Position in the change log: strictly increasing in commit order, the consumers' cursor. */
  readonly seq: number;
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly segmentVersion: number;
  readonly profileId: string;
  readonly kind: 'entered' | 'exited';
  readonly at: number;
  readonly recordedAt: number;
  readonly cause: ChangeCause;
}
