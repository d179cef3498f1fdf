import { createHash } from 'node:crypto';
import type { NewEvent } from '../../core/index.js';

/** A score name: what `score("NAME")` reads in rules and what a model is called. */
export const SCORE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** One score to record: `value` of model `model` (at `version`) for a profile, as of the instant `at`. */
export interface ScoreWrite {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly model: string;
  readonly value: number;
  /** The model version that produced the value (`"3"`, or `"external"` for scores set through the admin API). */
  readonly version: string;
  /** The instant the score holds from (event time of the system `score` event). */
  readonly at: number;
}

/**
 * The system `score` event for one score: type `score`, named after the model, `properties.value` and
 * `properties.version`. Only segflow appends these (ingestion refuses the type). The message id is a digest of
 * the whole write, so writing exactly the same score twice stores it once.
 */
export function scoreEventOf(write: ScoreWrite, receivedAt: number): NewEvent {
  const digest = createHash('sha256')
    .update(JSON.stringify([write.workspaceId, write.profileId, write.model, write.version, write.value, write.at]))
    .digest('hex')
    .slice(0, 32);
  return {
    workspaceId: write.workspaceId,
    messageId: `score:${digest}`,
    profileId: write.profileId,
    type: 'score',
    name: write.model,
    userId: null,
    anonymousId: null,
    timestamp: write.at,
    receivedAt,
    properties: { value: write.value, version: write.version },
    traits: {},
    context: {},
  };
}
