import type { Clock, EventType } from '../core/index.js';
import { AppError, systemClock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { messageIdOf } from './dedupe.js';
import type { GroupJob, JobOutcome, PreparedMessage } from './group-job.js';
import { StoreGroupWriter, type GroupWriter } from './group-writer.js';
import type { IngestMeta } from './ingest-meta.js';
import type { MessageResult } from './message-result.js';
import { normaliseTimestamp } from './normalise.js';
import { screenMessages, type MessageScreen } from './screen-messages.js';
import { validateMessage } from './validate.js';
import { QueueFullError, WriteQueue } from './write-queue.js';

export type { IngestMeta } from './ingest-meta.js';
export type { MessageResult } from './message-result.js';

/** The per-message results of one {@link IngestService.ingest} call, in input order. */
export interface IngestResult {
  readonly results: readonly MessageResult[];
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Blocked by the tracking plan and quarantined (not stored, not lost). */
  readonly quarantined: number;
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
   * Group commits in flight at once (default 1). The app raises it on PostgreSQL, where a commit mostly waits on
   * the server and a second group's identity resolution can run while the first one's append commits.
   */
  readonly writeConcurrency?: number;
  /**
   * Bytes of messages (as JSON) waiting to be written before `ingest` refuses with 429 (default 64 MiB). With the
   * message bound, it caps the queue's memory whatever the message sizes.
   */
  readonly maxQueuedBytes?: number;
  /**
   * Where groups are committed (default: a {@link StoreGroupWriter} on the service's store, in this thread).
   * The app passes a `ThreadGroupWriter` for a SQLite file, so that SQLite's work leaves the HTTP thread.
   */
  readonly writer?: GroupWriter;
  /** Checks every validated message before it is written (the tracking plan); none by default. */
  readonly screen?: MessageScreen;
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
  private readonly writer: GroupWriter;
  private queuedBytes = 0;
  private readonly screen: MessageScreen | undefined;

  constructor(store: Store, options: IngestOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.writer = options.writer ?? new StoreGroupWriter(store);
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.screen = options.screen;
    this.queue = new WriteQueue((jobs) => this.writeGroup(jobs), {
      maxQueued: options.maxQueuedMessages ?? 50_000,
      maxGroup: options.maxGroupMessages ?? 1_000,
      concurrency: options.writeConcurrency ?? 1,
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
    let prepared: PreparedMessage[] = [];
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
    if (this.screen) prepared = await screenMessages(this.screen, workspaceId, prepared, messages, meta, results);
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
      quarantined: final.filter((r) => r.outcome === 'quarantined').length,
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

  /** Drains the queue, then releases the writer (its thread, if it has one). */
  async close(): Promise<void> {
    await this.queue.drain();
    await this.writer.close();
  }

  private async writeGroup(jobs: readonly GroupJob[]): Promise<JobOutcome[]> {
    const now = this.clock.now();
    const { outcomes, lastSeq } = await this.writer.write(jobs, now);
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
}
