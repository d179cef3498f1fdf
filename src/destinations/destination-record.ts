/** Which segments a destination receives: every segment, or the listed segment ids. */
export type SegmentSelection = 'all' | readonly string[];

/** Why a destination is disabled: by a person, or automatically because it kept failing. */
export type DisabledReason = 'manual' | 'auto';

/** A registered destination as stored (the signing secret included: never log or return it after creation). */
export interface DestinationRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly url: string;
  readonly secret: string;
  readonly segments: SegmentSelection;
  /** Email-targeting destinations never get an `entered` for a person who may not be emailed. */
  readonly emailTargeting: boolean;
  readonly enabled: boolean;
  readonly disabledReason: DisabledReason | null;
  readonly disabledAt: number | null;
  /** The last change-log seq turned into deliveries for this destination. */
  readonly cursorSeq: number;
  /** Deliveries dead-lettered since the last success. */
  readonly consecutiveDead: number;
  /** When the current run of failures began (null after a success). */
  readonly failingSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Whether a destination receives changes of this segment. */
export function selectsSegment(selection: SegmentSelection, segmentId: string): boolean {
  return selection === 'all' || selection.includes(segmentId);
}
