import type { Clock } from '../../core/index.js';
import type { ProfileScore, ProfileScoreRepoSql } from './profile-score-repo-sql.js';
import { SCORE_NAME_PATTERN } from './score-event.js';
import type { ScoreWriter } from './score-writer.js';

/** Finds a profile id by any reference the admin API accepts (`prof_…`, userId, anonymousId, `email:…`). */
export type ProfileResolver = (workspaceId: string, ref: string) => Promise<string | undefined>;

/** Why setting a score was refused (an expected failure, returned as a value). */
export type SetScoreFailure =
  | { readonly kind: 'profile_not_found' }
  | { readonly kind: 'invalid_name' }
  | { readonly kind: 'invalid_value' };

/** The outcome of {@link ScoreService.setExternal}. */
export type SetScoreResult = { readonly ok: true; readonly score: ProfileScore; readonly changed: boolean } | { readonly ok: false; readonly failure: SetScoreFailure };

/** The version recorded for scores set through the admin API (computed outside segflow). */
export const EXTERNAL_VERSION = 'external';

/**
 * What the admin API may do with scores: set an externally computed score on a profile (through the one
 * {@link ScoreWriter}, so the engine sees it as a cause like any event) and read a profile's latest scores.
 */
export class ScoreService {
  constructor(
    private readonly writer: ScoreWriter,
    private readonly scores: ProfileScoreRepoSql,
    private readonly resolve: ProfileResolver,
    private readonly clock: Clock,
  ) {}

  /** Sets score `name` of the profile `ref` to `value` from the instant `at` (default now). */
  async setExternal(workspaceId: string, ref: string, name: string, value: number, at?: number): Promise<SetScoreResult> {
    if (!SCORE_NAME_PATTERN.test(name)) return { ok: false, failure: { kind: 'invalid_name' } };
    if (!Number.isFinite(value)) return { ok: false, failure: { kind: 'invalid_value' } };
    const profileId = await this.resolve(workspaceId, ref);
    if (profileId === undefined) return { ok: false, failure: { kind: 'profile_not_found' } };
    const report = await this.writer.write([{ workspaceId, profileId, model: name, value, version: EXTERNAL_VERSION, at: at ?? this.clock.now() }]);
    const written = report.written[0];
    if (written !== undefined) return { ok: true, score: written, changed: true };
    const current = (await this.scores.forProfile(workspaceId, profileId)).find((s) => s.model === name);
    if (current === undefined) throw new Error(`score ${name} of ${profileId} was neither written nor stored`);
    return { ok: true, score: current, changed: false };
  }

  /** The latest score of every model of a profile known by its id. */
  async latest(workspaceId: string, profileId: string): Promise<ProfileScore[]> {
    return this.scores.forProfile(workspaceId, profileId);
  }

  /** The profile's latest score of every model, or undefined when no profile is known by `ref`. */
  async forProfile(workspaceId: string, ref: string): Promise<{ profileId: string; scores: ProfileScore[] } | undefined> {
    const profileId = await this.resolve(workspaceId, ref);
    if (profileId === undefined) return undefined;
    return { profileId, scores: await this.scores.forProfile(workspaceId, profileId) };
  }
}
