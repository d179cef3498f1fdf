import type { NewEvent, StoredEvent } from '../core/index.js';

/** The result of appending: which events were new and which were duplicates of a stored messageId. */
export interface AppendResult {
  readonly inserted: StoredEvent[];
  /** messageIds already present in the workspace (acknowledged, not stored again). */
  readonly duplicates: string[];
}

/** Options for reading one profile's events, newest first. */
export interface ProfileEventsQuery {
  /** Return only events with `seq` lower than this (paging cursor). */
  readonly beforeSeq?: number;
  readonly limit: number;
  /** Only these event names (`track` names). */
  readonly names?: readonly string[];
}

/** The append-only event log. */
export interface EventRepo {
  /**
   * Appends events, skipping any whose (workspaceId, messageId) is already stored or repeats an earlier one in
   * the same batch. Atomic with the surrounding transaction. `inserted` keeps the input order, seqs ascending.
   * On PostgreSQL the appending transaction holds the log's append lock until it commits (this is what keeps
   * {@link EventRepo.readLog} gap-free), so keep transactions that append short.
   */
  append(events: readonly NewEvent[]): Promise<AppendResult>;
  /** Which of these messageIds are already stored in the workspace. */
  existing(workspaceId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** One profile's events, newest first (by seq). */
  listByProfile(workspaceId: string, profileId: string, query: ProfileEventsQuery): Promise<StoredEvent[]>;
  /** Every event of one profile in event-time order (ties by seq), for evaluation. */
  historyOf(workspaceId: string, profileId: string): Promise<StoredEvent[]>;
  /**
   * Reads the log after `afterSeq` in seq order, at most `limit` events, across workspaces. Gap-free: it never
   * returns an event with seq s while an event with a smaller seq may still commit later, so a consumer that
   * stores the last seq it processed as its cursor never skips an event.
   */
  readLog(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq readable by {@link readLog} (0 when empty). */
  headSeq(): Promise<number>;
  /** Re-points all events of `fromProfileId` to `intoProfileId` (identity merge); seqs do not change. */
  reassign(workspaceId: string, fromProfileId: string, intoProfileId: string): Promise<void>;
  /** How many events the workspace has stored. */
  count(workspaceId: string): Promise<number>;
}
