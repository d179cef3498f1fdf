import type { ProfileRepo } from '../store/index.js';
import type { MergeLog } from './merge-log.js';
import type { SeenRanges } from './seen-ranges.js';

/**
 * Group-commit step 4: widens each touched profile's first/last seen to the event times of the group, one
 * {@link ProfileRepo.touchMany} per workspace, on the profiles that survive the group's merges.
 */
export async function widenFirstLastSeen(
  profiles: Pick<ProfileRepo, 'touchMany'>,
  seen: SeenRanges,
  merges: MergeLog,
  now: number,
): Promise<void> {
  for (const [workspaceId, ranges] of seen.byWorkspace(merges)) await profiles.touchMany(workspaceId, ranges, now);
}
