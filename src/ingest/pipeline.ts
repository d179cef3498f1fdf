import type { Clock, EventType } from '../core/index.js';
import { AppError, systemClock } from '../core/index.js';
import { isWriteConflict, type Store } from '../store/index.js';
import { commitGroup, type GroupCommitResult } from './commit-group.js';
import { messageIdOf } from './dedupe.js';
import type { GroupJob, JobOutcome, PreparedMessage } from './group-job.js';
import type { IngestMeta } from './ingest-meta.js';
import type { MessageResult } from './message-result.js';
import { normaliseTimestamp } from './normalise.js';
import { validateMessage } from './validate.js';
import { QueueFullError, WriteQueue } from './write-queue.js';

export type { IngestMeta } from './ingest-meta.js';
export type { MessageResult } from './message-result.js';

/** Runs of one group commit before a write conflict with another process is thrown (see `commitWithRetry`). */
const MAX_COMMIT_ATTEMPTS = 5;

/** The per-message results of one {@link IngestService.ingest} call, in input order. */
export interface IngestResult {
  readonly results: readonly MessageResult[];
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Dropped because they name an erased, suppressed person. */
  readonly suppressed: number;
}

/** Tuning of the write queue. */
export interface IngestOptions {
  readonly clock?: Clock;
  /** Messages waiting to be written before `ingest` refuses with 429 (default 50,000). */
  readonly maxQueuedMessages?: number;
  /** Messages per group commit (default 1,000: bounds how long one commit holds the writer, hence latency). */
  readonly maxGroupMessages?: number;
  /**
   * Bytes of messages (as JSON) waiting to be written before `ingest` refuses with 429 (default 64 MiB). With the
   * message bound, it caps the queue's memory whatever the message sizes.
   */
  readonly maxQueuedBytes?: number;
}

/**
 * Ingestion: validate → normalise → dedupe → resolve identity → append, for any source (HTTP, ESP webhooks,
 * bulk import). Validation and normalisation are pure and run in the caller's turn; the writes of all concurrent
 * calls are coalesced by a bounded group-commit queue into ONE store transaction per group ({@link commitGroup}:
 * find the messages already stored, prefetch identities, resolve them (merging profiles, merging identify traits,
 * deriving the subscription), widen first/last seen, append the events and report). `ingest` resolves only after that transaction committed, so an accepted
 * result is durable.
 *
 * Batch rule: messages are independent. Valid ones are stored, invalid ones are reported with their problem
 * and nothing of them is stored; a duplicate messageId is acknowledged and not stored again.
 */
export class IngestService {
  private readonly clock: Clock;
  private readonly queue: WriteQueue<GroupJob, JobOutcome>;
  private readonly listeners = new Set<(lastSeq: number) => void>();
  private readonly maxQueuedBytes: number;
  private queuedBytes = 0;

  constructor(
    private readonly store: Store,
    options: IngestOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.queue = new WriteQueue((jobs) => this.writeGroup(jobs), {
      maxQueued: options.maxQueuedMessages ?? 50_000,
      maxGroup: options.maxGroupMessages ?? 1_000,
    });
  }

  /** Messages waiting for or inside a group commit. */
  get queueDepth(): number {
    return this.queue.depth;
  }

  /**
   * Ingests messages for a workspace. Throws `AppError` `INGEST_OVERLOADED` (429, Retry-After) when the write
   * queue is over its bound; every other outcome is a per-message result.
   */
  async ingest(workspaceId: string, messages: readonly unknown[], meta: IngestMeta): Promise<IngestResult> {
    const results: Array<MessageResult | undefined> = new Array(messages.length);
    const prepared: PreparedMessage[] = [];
    let bytes = 0;
    const fieldOf = meta.fieldOf ?? ((i: number) => `batch[${i}]`);
    messages.forEach((raw, index) => {
      const validation = validateMessage(raw, meta.type, fieldOf(index));
      if (!validation.ok) {
        const rawType = (raw as { type?: unknown } | null)?.type;
        const type = meta.type ?? (typeof rawType === 'string' ? (rawType as EventType) : null);
        results[index] = { outcome: 'rejected', type, problem: validation.problem };
        return;
      }
      bytes += validation.bytes;
      const message = meta.context
        ? { ...validation.message, context: { ...meta.context, ...validation.message.context } }
        : validation.message;
      const time = normaliseTimestamp(
        { timestamp: message.timestamp, originalTimestamp: message.originalTimestamp, sentAt: message.sentAt ?? meta.sentAt ?? null },
        meta.receivedAt,
      );
      prepared.push({
        index,
        message,
        messageId: messageIdOf(raw as Record<string, unknown>, message.type),
        timestamp: time.timestamp,
        clampedFrom: time.clampedFrom,
      });
    });
    if (prepared.length > 0) {
      const overloaded = (cause: unknown): AppError =>
        new AppError('INGEST_OVERLOADED', 429, 'Writes are falling behind; retry after the indicated delay.', {
          cause,
          retryAfterSeconds: 1,
        });
      if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.maxQueuedBytes) {
        throw overloaded(new QueueFullError(this.queuedBytes, this.maxQueuedBytes));
      }
      let written: JobOutcome;
      let submitted: Promise<JobOutcome>;
      try {
        submitted = this.queue.submit({ workspaceId, meta, prepared }, prepared.length);
      } catch (error) {
        throw error instanceof QueueFullError ? overloaded(error) : error;
      }
      this.queuedBytes += bytes;
      try {
        written = await submitted;
      } finally {
        this.queuedBytes -= bytes;
      }
      for (const [index, result] of written) results[index] = result;
    }
    const final = results as MessageResult[];
    return {
      results: final,
      accepted: final.filter((r) => r.outcome === 'accepted').length,
      duplicates: final.filter((r) => r.outcome === 'duplicate').length,
      rejected: final.filter((r) => r.outcome === 'rejected').length,
      suppressed: final.filter((r) => r.outcome === 'suppressed').length,
    };
  }

  /**
   * Calls `listener(lastSeq)` after every commit that appended events, with the highest seq appended (the real-time
   * engine then reads the log up to it). Returns a function that unsubscribes.
   */
  onCommitted(listener: (lastSeq: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every queued write has committed (graceful shutdown). */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async writeGroup(jobs: readonly GroupJob[]): Promise<JobOutcome[]> {
    const now = this.clock.now();
    const { outcomes, lastSeq } = await this.commitWithRetry(jobs, now);
    if (lastSeq > 0) {
      for (const listener of this.listeners) {
        try {
          listener(lastSeq);
        } catch {
          // A listener's failure must not turn a committed write into an error for the client.
        }
      }
    }
    return outcomes;
  }

  /**
   * Runs the group commit, again from the start when it lost a race with another writer. Two processes that
   * see the same new user at once both miss the identity and both create a profile; on PostgreSQL the second
   * INSERT of the identifier waits for the first transaction and then finds it taken (IdentityTakenError), or
   * the two wait on each other's identifiers and PostgreSQL aborts one (deadlock). Either way the loser's whole
   * transaction rolled back, and re-running it reads the winner's committed profile, so the person keeps one
   * profile and nobody gets a 500. Locking every new identifier up front in a global order would avoid the
   * aborts, but costs a round trip on every group for a race that is rare; the retry costs only when it
   * happens. Bounded: a conflict that persists is a bug and is thrown.
   */
  private async commitWithRetry(jobs: readonly GroupJob[], now: number): Promise<GroupCommitResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.transaction((tx) => commitGroup(tx, jobs, now));
      } catch (error) {
        if (attempt >= MAX_COMMIT_ATTEMPTS || !isWriteConflict(error)) throw error;
      }
    }
  }
}
