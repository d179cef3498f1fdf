import type { ChangeCause } from '../core/index.js';
import type { EngineRepos } from './engine-repos.js';
import type { ProfileEffects } from './evaluate-profile.js';
import type { WorkspaceRules } from './workspace-rules.js';

/**
 * Erasure handling: every current membership of the erased profiles exits (cause `erased`) at `t`, and their
 * timers are dropped. Like {@link exitMerged}, the exits go through the engine's own commit (fenced by its lease,
 * in change-log order), so downstream consumers see an exact exit and the membership tables stay consistent
 * with the change log. Memberships of segments no longer live are left to the segment's own deletion.
 */
export async function exitErased(repos: EngineRepos, ws: WorkspaceRules, profileIds: readonly string[], t: number): Promise<ProfileEffects> {
  const out: ProfileEffects = { changes: [], timers: [] };
  const cause: ChangeCause = { kind: 'erased' };
  const memberships = await repos.membership.membershipsOfMany(profileIds);
  const timers = await repos.timers.ofProfiles(profileIds);
  for (const id of profileIds) {
    for (const [segmentId] of memberships.get(id) ?? []) {
      const live = ws.byId.get(segmentId);
      if (live === undefined) continue;
      out.changes.push({ workspaceId: ws.workspaceId, segmentId, segmentVersion: live.segment.version, profileId: id, kind: 'exited', at: t, cause });
    }
    for (const [segmentId] of timers.get(id) ?? []) out.timers.push({ workspaceId: ws.workspaceId, segmentId, profileId: id, dueAt: undefined });
  }
  return out;
}

/** The engine is a standby (another process holds the lease): it cannot write exits; retry later or there. */
export class EngineNotActiveError extends Error {
  constructor() {
    super('the engine is not the active writer (a standby); the erasure is retried by the active process');
    this.name = 'EngineNotActiveError';
  }
}
