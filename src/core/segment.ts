/** A saved segment definition. Every edit of its rule makes a new version. */
export interface Segment {
  readonly id: string;
  readonly workspaceId: string;
  /** Unique within the workspace; what `in_segment("…")` refers to. */
  readonly name: string;
  readonly description: string;
  readonly version: number;
  /** The rule as canonical text (printer output). */
  readonly ruleText: string;
  /** The rule in canonical JSON form (`{ version, condition }`). */
  readonly ruleJson: unknown;
  /** Exclusive group: a profile is in at most one segment of a group, the highest-priority one that holds. */
  readonly group: string | null;
  readonly priority: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A current member of a segment. */
export interface Member {
  readonly segmentId: string;
  readonly profileId: string;
  /** The logical instant the profile (last) entered. */
  readonly since: number;
}

/** Segment names starting with this are reserved for segments segflow itself maintains (e.g. `__email_eligible`). */
export const SYSTEM_SEGMENT_PREFIX = '__';

/** True for a segment segflow maintains itself: hidden from lists, refused to users for create, update and delete. */
export function isSystemSegmentName(name: string): boolean {
  return name.startsWith(SYSTEM_SEGMENT_PREFIX);
}
