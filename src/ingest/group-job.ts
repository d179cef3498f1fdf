import type { IngestMeta } from './ingest-meta.js';
import type { MessageResult } from './message-result.js';
import type { SegmentMessage } from './validate.js';

/** A message that passed validation and normalisation, waiting for its group commit. */
export interface PreparedMessage {
  /** Position in the caller's input, where its result goes. */
  readonly index: number;
  readonly message: SegmentMessage;
  readonly messageId: string;
  /** Normalised event time (epoch ms). */
  readonly timestamp: number;
  /** The original time when it was more than 24h ahead of receipt and clamped. */
  readonly clampedFrom: number | undefined;
}

/** One `ingest` call's share of a group commit. */
export interface GroupJob {
  readonly workspaceId: string;
  readonly meta: IngestMeta;
  readonly prepared: readonly PreparedMessage[];
}

/** The results of one job's messages, by their input index. */
export type JobOutcome = Map<number, MessageResult>;
