import type { EventType, NewEvent, StoredEvent } from '../core/index.js';

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

/** Which events a {@link HistoryScan} reads: those with one of `names` or one of `types`. */
export interface EventSelection {
  readonly names: readonly string[];
  readonly types: readonly EventType[];
  /** Read the `traits` column (else every event has `{}`). */
  readonly traits: boolean;
  /** Read the `context` column (else every event has `{}`). */
  readonly context: boolean;
}

/** A paged pass over a workspace's histories, for {@link EventRepo.scanHistories}. */
export interface HistoryScan {
  /** Only events up to this log position. */
  readonly uptoSeq: number;
  /** Rows read per query (default 5000); the answer does not depend on it. */
  readonly pageSize?: number;
  /** Read only the selected events (a profile with none of them is not yielded); absent: every event. */
  readonly only?: EventSelection;
  /** Start after this profile id (a backfill's checkpoint); absent: from the first profile. */
  readonly afterProfile?: string;
  /**
   * Only the profiles a partition's engine owns (`partitionOf(profileId, count) === index`), with `uptoSeq`
   * bounding that partition's events only: events of an owned profile stored in another partition were moved
   * there by an identity merge, were committed before it, and are all read.
   */
  readonly partition?: { readonly index: number; readonly count: number };
}

/** How far a partition's engine is behind its partition of the log. */
export interface PartitionLag {
  /** Events of the partition after the cursor. */
  readonly events: number;
  /** When the oldest of them was received (null when none). */
  readonly oldestReceivedAt: number | null;
}

/** One profile's events in seq order, as {@link EventRepo.scanHistories} yields them. */
export interface ProfileHistory {
  readonly profileId: string;
  readonly events: StoredEvent[];
}

/**
 * The append-only event log.
 *
 * The two history reads for evaluation ({@link EventRepo.historiesOf}, {@link EventRepo.scanHistories}) return
 * events in *evaluation form*: `userId` / `anonymousId` are null, `receivedAt` is 0, `traits` are read for
 * `identify` events only and `context` only when it mentions consent (else `{}`), since nothing else of them
 * contributes to a rule's history and parsing them is most of a rebuild's cost.
 */
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
   * The events (up to log position `uptoSeq`, in seq order, evaluation form) of several profiles in one read,
   * keyed by profile id (every asked id is a key): how the engine rebuilds the profiles of a batch it does not
   * hold in memory. With `partition`, `uptoSeq` bounds only that partition's events (the engine of a partition
   * follows its partition by seq); the profiles' events stored in other partitions were moved there by an
   * identity merge and are all read.
   */
  historiesOf(workspaceId: string, profileIds: readonly string[], uptoSeq: number, partition?: number): Promise<Map<string, StoredEvent[]>>;
  /**
   * Streams every profile's events of a workspace (evaluation form), one profile at a time in profile-id order
   * with its events in seq order, up to `scan.uptoSeq`, read in pages: how a backfill reads the whole history
   * in one sequential pass.
   */
  scanHistories(workspaceId: string, scan: HistoryScan): AsyncIterable<ProfileHistory>;
  /**
   * Reads the log after `afterSeq` in seq order, at most `limit` events, across workspaces. Gap-free: it never
   * returns an event with seq s while an event with a smaller seq may still commit later, so a consumer that
   * stores the last seq it processed as its cursor never skips an event.
   */
  readLog(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq readable by {@link readLog} (0 when empty). */
  headSeq(): Promise<number>;
  /** How many partitions the log has (fixed when the database was created; 1 on SQLite). */
  partitions(): Promise<number>;
  /**
   * Reads one partition after `afterSeq` in seq order, at most `limit` events: what the engine owning the
   * partition follows. Gap-free within the partition, as {@link readLog} is globally, but without waiting for
   * appends to other partitions.
   */
  readPartition(partition: number, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** How many events of a partition lie after `afterSeq`, and since when the oldest waits. */
  partitionLag(partition: number, afterSeq: number): Promise<PartitionLag>;
  /** Re-points all events of `fromProfileId` to `intoProfileId` (identity merge); seqs do not change. */
  reassign(workspaceId: string, fromProfileId: string, intoProfileId: string): Promise<void>;
  /** How many events the workspace has stored. */
  count(workspaceId: string): Promise<number>;
}
