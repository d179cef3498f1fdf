import type { Clock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { ProfileScoreRepoSql, type ProfileScore } from './profile-score-repo-sql.js';
import { SCORE_NAME_PATTERN, scoreEventOf, type ScoreWrite } from './score-event.js';

/** How {@link ScoreWriter.write} treats a score equal to the stored one. */
export interface ScoreWriteOptions {
  /**
   * Skip a write whose value differs from the profile's latest score of the same model and version by less than
   * this (default 0: only exact repeats are skipped). The live rescorer uses it so that rescoring everyone daily
   * appends only the scores that moved.
   */
  readonly minDelta?: number;
}

/** What one call to {@link ScoreWriter.write} did. */
export interface ScoreWriteReport {
  /** Scores appended to the log (and to `profile_scores`). */
  readonly written: readonly ProfileScore[];
  /** Writes skipped because they did not change the stored score. */
  readonly unchanged: number;
}

/**
 * The only writer of scores. A score is a system `score` event appended to the event log (so the engine folds
 * it like any event and a membership change it causes names it as the cause), plus the latest value per
 * profile × model in `profile_scores`, both in one transaction. Ingestion never accepts the `score` type, so a
 * write key cannot forge a score; scores come from segflow's own models or from the admin API.
 */
export class ScoreWriter {
  private readonly listeners: ((seq: number) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Calls `fn` with the last appended seq after each commit that appended scores (e.g. to wake the engine). */
  onCommitted(fn: (seq: number) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Appends the scores in one transaction. Throws on a value that is not finite or a name that is not a score
   * name: callers validate input at the edge, so either is a bug.
   */
  async write(writes: readonly ScoreWrite[], options: ScoreWriteOptions = {}): Promise<ScoreWriteReport> {
    for (const w of writes) {
      if (!Number.isFinite(w.value)) throw new Error(`score ${w.model} for ${w.profileId} is not a finite number: ${w.value}`);
      if (!SCORE_NAME_PATTERN.test(w.model)) throw new Error(`invalid score name ${JSON.stringify(w.model)}`);
    }
    const minDelta = options.minDelta ?? 0;
    const receivedAt = this.clock.now();
    const report = await this.store.transaction(async (tx) => {
      const repo = new ProfileScoreRepoSql(tx.sql);
      const current = new Map<string, ProfileScore>();
      for (const key of new Set(writes.map((w) => `${w.workspaceId}\u0000${w.profileId}`))) {
        const [workspaceId, profileId] = key.split('\u0000') as [string, string];
        for (const s of await repo.forProfile(workspaceId, profileId)) current.set(`${key}\u0000${s.model}`, s);
      }
      const kept = writes.filter((w) => {
        const before = current.get(`${w.workspaceId}\u0000${w.profileId}\u0000${w.model}`);
        return before === undefined || before.version !== w.version || Math.abs(before.value - w.value) > minDelta;
      });
      const appended = await tx.events.append(kept.map((w) => scoreEventOf(w, receivedAt)));
      const written: ProfileScore[] = [];
      for (const e of appended.inserted) {
        const score: ProfileScore = {
          profileId: e.profileId,
          model: e.name as string,
          value: e.properties['value'] as number,
          version: e.properties['version'] as string,
          scoredAt: e.timestamp,
          seq: e.seq,
        };
        await repo.upsert(e.workspaceId, score);
        written.push(score);
      }
      return { written, unchanged: writes.length - written.length };
    });
    const last = report.written.at(-1);
    if (last !== undefined) for (const fn of this.listeners) fn(last.seq);
    return report;
  }
}
