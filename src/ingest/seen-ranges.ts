import type { SeenRange } from '../store/index.js';
import type { MergeLog } from './merge-log.js';

/**
 * The earliest and latest event time per profile in one group commit. First/last seen only widen, so one
 * update with these two times per profile is all the group needs.
 */
export class SeenRanges {
  private readonly ranges = new Map<string, { workspaceId: string; min: number; max: number }>();

  /** Records an event of `profileId` at `timestamp`. */
  add(workspaceId: string, profileId: string, timestamp: number): void {
    this.widen(workspaceId, profileId, timestamp, timestamp);
  }

  /** How many profiles have a range. */
  get size(): number {
    return this.ranges.size;
  }

  /**
   * The ranges by workspace, each moved to its profile's survivor after `merges` (two ranges landing on one
   * survivor are joined).
   */
  byWorkspace(merges: MergeLog): Map<string, SeenRange[]> {
    const joined = new SeenRanges();
    for (const [profileId, r] of this.ranges) joined.widen(r.workspaceId, merges.survivor(profileId), r.min, r.max);
    const out = new Map<string, SeenRange[]>();
    for (const [profileId, { workspaceId, min, max }] of joined.ranges) {
      const list = out.get(workspaceId) ?? [];
      out.set(workspaceId, list);
      list.push({ profileId, min, max });
    }
    return out;
  }

  private widen(workspaceId: string, profileId: string, min: number, max: number): void {
    const range = this.ranges.get(profileId);
    if (range) {
      range.min = Math.min(range.min, min);
      range.max = Math.max(range.max, max);
    } else {
      this.ranges.set(profileId, { workspaceId, min, max });
    }
  }
}
