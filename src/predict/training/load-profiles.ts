import type { EventRepo } from '../../store/index.js';
import type { FeatureEvents } from '../features/feature-set.js';
import { ProfileFeatures } from '../features/profile-features.js';

/**
 * Every profile's feature state in a workspace, folded from the event log up to `uptoSeq` (default: its head)
 * in one sequential pass through the store's paged history stream. Events are read whole: the features decide
 * as of which instant they look, so a training run at a cut-off sees the same state a live scorer would have had
 * then (see `ProfileFeatures`). Merged-away profiles have no events left (a merge re-points them), so they drop
 * out.
 */
export async function loadProfileFeatures(
  events: EventRepo,
  workspaceId: string,
  featureEvents: FeatureEvents,
  uptoSeq?: number,
): Promise<Map<string, ProfileFeatures>> {
  const out = new Map<string, ProfileFeatures>();
  const upto = uptoSeq ?? (await events.headSeq());
  for await (const history of events.scanHistories(workspaceId, { uptoSeq: upto })) {
    out.set(history.profileId, new ProfileFeatures(featureEvents).addAll(history.events));
  }
  return out;
}
