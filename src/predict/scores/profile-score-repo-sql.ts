import type { SqlExecutor } from '../../store/index.js';

/** The latest score of one profile for one model, as kept in `profile_scores`. */
export interface ProfileScore {
  readonly profileId: string;
  readonly model: string;
  readonly value: number;
  readonly version: string;
  readonly scoredAt: number;
  /** The log position of the `score` event that set it. */
  readonly seq: number;
}

interface Row extends Record<string, unknown> {
  profile_id: string;
  model: string;
  value: unknown;
  model_version: string;
  scored_at: unknown;
  seq: unknown;
}

const toScore = (r: Row): ProfileScore => ({
  profileId: r.profile_id,
  model: r.model,
  value: Number(r.value),
  version: r.model_version,
  scoredAt: Number(r.scored_at),
  seq: Number(r.seq),
});

/**
 * `profile_scores`: the latest score per profile × model, a read model of the `score` events in the log (which
 * stay the truth the engine reads). Written by {@link ScoreWriter} in the same transaction as the event.
 */
export class ProfileScoreRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Records a score unless a later one (by instant, then log position) is already stored. */
  async upsert(workspaceId: string, score: ProfileScore): Promise<void> {
    await this.sql.execute(
      `INSERT INTO profile_scores (workspace_id, model, profile_id, value, model_version, scored_at, seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workspace_id, model, profile_id) DO UPDATE SET
         value = excluded.value, model_version = excluded.model_version, scored_at = excluded.scored_at, seq = excluded.seq
       WHERE excluded.scored_at > profile_scores.scored_at
          OR (excluded.scored_at = profile_scores.scored_at AND excluded.seq > profile_scores.seq)`,
      [workspaceId, score.model, score.profileId, score.value, score.version, score.scoredAt, score.seq],
    );
  }

  /** Every model's latest score for one profile, by model name. */
  async forProfile(workspaceId: string, profileId: string): Promise<ProfileScore[]> {
    const rows = await this.sql.query<Row>(
      'SELECT profile_id, model, value, model_version, scored_at, seq FROM profile_scores WHERE workspace_id = $1 AND profile_id = $2 ORDER BY model',
      [workspaceId, profileId],
    );
    return rows.map(toScore);
  }

  /** One model's latest scores, in profile-id order, paged by `afterProfileId`. */
  async forModel(workspaceId: string, model: string, afterProfileId: string, limit: number): Promise<ProfileScore[]> {
    const rows = await this.sql.query<Row>(
      `SELECT profile_id, model, value, model_version, scored_at, seq FROM profile_scores
       WHERE workspace_id = $1 AND model = $2 AND profile_id > $3 ORDER BY profile_id LIMIT $4`,
      [workspaceId, model, afterProfileId, limit],
    );
    return rows.map(toScore);
  }
}
