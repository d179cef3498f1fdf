import type { ChangeCause } from '../core/index.js';

/** One membership change to record: the member row moves and a change-log entry is appended, atomically. */
export interface MembershipWrite {
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly segmentVersion: number;
  readonly profileId: string;
  readonly kind: 'entered' | 'exited';
  /** The logical instant of the change. */
  readonly at: number;
  readonly cause: ChangeCause;
}
