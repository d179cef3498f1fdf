import type { ChangeCause } from '../core/index.js';
import type { EngineRepos } from './engine-repos.js';
import type { ProfileEffects } from './evaluate-profile.js';
import type { ProfileCache } from './profile-cache.js';
import type { WorkspaceRules } from './workspace-rules.js';

/**
 * Merge handling: when an `alias` (or an `identify` naming both a user and an anonymous id) has merged profiles
 * into `survivor`, every membership of the merged-away profiles exits (cause `profile_merged`) and their timers
 * are dropped; their events now belong to the survivor, which the caller re-evaluates in full. Appends the
 * effects to `out`, forgets the merged profiles' cached entries, and says whether there were any.
 */
export async function exitMerged(
  repos: EngineRepos,
  cache: ProfileCache,
  ws: WorkspaceRules,
  survivor: string,
  t: number,
  out: ProfileEffects,
): Promise<boolean> {
  const merged = await repos.profiles.mergedInto(ws.workspaceId, survivor);
  if (merged.length === 0) return false;
  const cause: ChangeCause = { kind: 'profile_merged', into: survivor };
  for (const id of merged) {
    cache.delete(id);
    for (const [segmentId] of await repos.membership.membershipsOf(id)) {
      const live = ws.byId.get(segmentId);
      if (live === undefined) continue;
      out.changes.push({ workspaceId: ws.workspaceId, segmentId, segmentVersion: live.segment.version, profileId: id, kind: 'exited', at: t, cause });
    }
    for (const [segmentId] of await repos.timers.ofProfile(id)) {
      out.timers.push({ workspaceId: ws.workspaceId, segmentId, profileId: id, dueAt: undefined });
    }
  }
  return true;
}
