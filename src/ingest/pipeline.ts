import type { Clock, EventType, JsonObject, NewEvent } from '../core/index.js';
import { AppError, systemClock } from '../core/index.js';
import type { IdentityRef, Repos, SeenRange, Store } from '../store/index.js';
import { SeenMessageIds, messageIdOf } from './dedupe.js';
import type { IngestProblem } from './ingest-problem.js';
import { withIdentityCache } from './identity-cache.js';
import { normaliseTimestamp } from './normalise.js';
import { identitiesToLookUp, normaliseEmail, resolveIdentity, type MessageIdentities } from './resolve-identity.js';
import { applySubscriptionSignal, subscriptionSignalOf, unknownSubscription } from './subscription.js';
import { validateMessage, type SegmentMessage } from './validate.js';
import { QueueFullError, WriteQueue } from './write-queue.js';

/** Where and when a request's messages arrived. */
export interface IngestMeta {
  /** Acceptance time (epoch ms); the base of clock-skew correction. */
  readonly receivedAt: number;
  /** The batch's `sentAt` (epoch ms) when the client sent one; a message's own `sentAt` wins. */
  readonly sentAt?: number | null;
  /** Where the messages came from: `http:/v1/batch`, `import:file.jsonl`, `esp:sendgrid`, … (for logs). */
  readonly source: string;
  /** Batch-level `context`, shallow-merged under each message's own context. */
  readonly context?: JsonObject;
  /** Fixes the call type (single-message routes such as `/v1/track`); otherwise each message's `type` counts. */
  readonly type?: EventType;
  /** Field path prefix of message `i` in problems; default `batch[i]`. */
  readonly fieldOf?: (index: number) => string;
}

/** What happened to one message. */
export type MessageResult =
  | {
      readonly outcome: 'accepted';
      readonly type: EventType;
      readonly messageId: string;
      readonly profileId: string;
      readonly seq: number;
      /** Non-fatal adjustments, e.g. `timestamp clamped: 2031-01-01T00:00:00.000Z was more than 24h ahead`. */
      readonly warnings: readonly string[];
    }
  | { readonly outcome: 'duplicate'; readonly type: EventType; readonly messageId: string }
  | { readonly outcome: 'rejected'; readonly type: EventType | null; readonly problem: IngestProblem };

/** The per-message results of one {@link IngestService.ingest} call, in input order. */
export interface IngestResult {
  readonly results: readonly MessageResult[];
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
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

interface Prepared {
  readonly index: number;
  readonly message: SegmentMessage;
  readonly messageId: string;
  readonly timestamp: number;
  readonly clampedFrom: number | undefined;
}

interface Job {
  readonly workspaceId: string;
  readonly meta: IngestMeta;
  readonly prepared: readonly Prepared[];
}

type WriteOutcome = Map<number, MessageResult>;

/** The identifiers a message carries, as identity resolution reads them. */
function identitiesOfMessage(message: SegmentMessage): MessageIdentities {
  const email =
    normaliseEmail(message.type === 'identify' ? message.traits.email : undefined) ??
    normaliseEmail((message.context.traits as JsonObject | undefined)?.email);
  return { userId: message.userId, anonymousId: message.anonymousId, email, previousId: message.previousId };
}

/**
 * Ingestion: validate → normalise → dedupe → resolve identity → append, for any source (HTTP, ESP webhooks,
 * bulk import). Validation and normalisation are pure and run in the caller's turn; the writes of all concurrent
 * calls are coalesced by a bounded group-commit queue into ONE store transaction per group: dedupe against the
 * log, resolve identities (merging profiles), merge identify traits, widen first/last seen, derive the
 * subscription, append the events. `ingest` resolves only after that transaction committed, so an accepted
 * result is durable.
 *
 * Batch rule: messages are independent. Valid ones are stored, invalid ones are reported with their problem
 * and nothing of them is stored; a duplicate messageId is acknowledged and not stored again.
 */
export class IngestService {
  private readonly clock: Clock;
  private readonly queue: WriteQueue<Job, WriteOutcome>;
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
    const prepared: Prepared[] = [];
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
      let written: WriteOutcome;
      let submitted: Promise<WriteOutcome>;
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

  private async writeGroup(jobs: readonly Job[]): Promise<WriteOutcome[]> {
    const now = this.clock.now();
    const { outcomes, lastSeq } = await this.store.transaction((tx) => this.writeInTransaction(tx, jobs, now));
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

  private async writeInTransaction(
    tx: Repos,
    jobs: readonly Job[],
    now: number,
  ): Promise<{ outcomes: WriteOutcome[]; lastSeq: number }> {
    const outcomes: WriteOutcome[] = jobs.map(() => new Map());
    const existing = new Map<string, Set<string>>();
    for (const workspaceId of new Set(jobs.map((j) => j.workspaceId))) {
      const ids = jobs.filter((j) => j.workspaceId === workspaceId).flatMap((j) => j.prepared.map((p) => p.messageId));
      existing.set(workspaceId, await tx.events.existing(workspaceId, ids));
    }
    const profiles = withIdentityCache(tx.profiles);
    // Look up every identity of the group in one query per workspace; the per-message resolution below then
    // reads the cache, which also hands later messages the profiles earlier ones created.
    const identitiesOf = new Map<Prepared, MessageIdentities>();
    const lookUp = new Map<string, IdentityRef[]>();
    for (const job of jobs) {
      const keys = lookUp.get(job.workspaceId) ?? [];
      lookUp.set(job.workspaceId, keys);
      for (const p of job.prepared) {
        if (existing.get(job.workspaceId)!.has(p.messageId)) continue;
        const ids = identitiesOfMessage(p.message);
        identitiesOf.set(p, ids);
        keys.push(...identitiesToLookUp(ids));
      }
    }
    for (const [workspaceId, keys] of lookUp) await profiles.findByIdentities(workspaceId, keys);
    const seen = new SeenMessageIds();
    // First/last seen only widen, so one touch with the earliest and one with the latest time per profile suffice.
    const seenRange = new Map<string, { workspaceId: string; min: number; max: number }>();
    const pending: Array<{ event: NewEvent; job: number; prepared: Prepared; warnings: string[] }> = [];
    const mergedInto = new Map<string, string>();
    for (const [jobIndex, job] of jobs.entries()) {
      for (const p of job.prepared) {
        const { message } = p;
        if (!seen.claim(job.workspaceId, p.messageId) || existing.get(job.workspaceId)!.has(p.messageId)) {
          outcomes[jobIndex]!.set(p.index, { outcome: 'duplicate', type: message.type, messageId: p.messageId });
          continue;
        }
        const resolution = await resolveIdentity(profiles, job.workspaceId, identitiesOf.get(p)!, now);
        for (const m of resolution.merged) mergedInto.set(m.from, m.into);
        const profileId = resolution.profileId;
        if (message.type === 'identify' && Object.keys(message.traits).length > 0) {
          await profiles.mergeTraits(job.workspaceId, profileId, message.traits, now);
        }
        const range = seenRange.get(profileId);
        if (range) {
          range.min = Math.min(range.min, p.timestamp);
          range.max = Math.max(range.max, p.timestamp);
        } else {
          seenRange.set(profileId, { workspaceId: job.workspaceId, min: p.timestamp, max: p.timestamp });
        }
        const signal = subscriptionSignalOf(message);
        if (signal) {
          const current = (await profiles.get(job.workspaceId, profileId))?.subscription ?? unknownSubscription;
          const next = applySubscriptionSignal(current, signal, p.timestamp);
          if (next) await profiles.setSubscription(job.workspaceId, profileId, next, now);
        }
        const warnings: string[] = [];
        let context = message.context;
        if (p.clampedFrom !== undefined) {
          const original = new Date(p.clampedFrom).toISOString();
          warnings.push(`timestamp ${original} was more than 24h ahead of receipt and was clamped to receivedAt`);
          context = { ...context, segflow: { ...(context.segflow as JsonObject | undefined), clampedTimestamp: original } };
        }
        pending.push({
          job: jobIndex,
          prepared: p,
          warnings,
          event: {
            workspaceId: job.workspaceId,
            messageId: p.messageId,
            profileId,
            type: message.type,
            name: message.name,
            userId: message.userId,
            anonymousId: message.anonymousId,
            timestamp: p.timestamp,
            receivedAt: job.meta.receivedAt,
            properties: message.properties,
            traits: message.traits,
            context,
          },
        });
      }
    }
    // A later message of this group may have merged the profile an earlier pending event points at.
    const survivor = (id: string): string => {
      let current = id;
      for (let next = mergedInto.get(current); next !== undefined; next = mergedInto.get(current)) current = next;
      return current;
    };
    const touched = new Map<string, { workspaceId: string; min: number; max: number }>();
    for (const [profileId, range] of seenRange) {
      const id = survivor(profileId);
      const t = touched.get(id);
      if (t) {
        t.min = Math.min(t.min, range.min);
        t.max = Math.max(t.max, range.max);
      } else {
        touched.set(id, { ...range });
      }
    }
    const touches = new Map<string, SeenRange[]>();
    for (const [profileId, { workspaceId, min, max }] of touched) {
      const ranges = touches.get(workspaceId) ?? [];
      touches.set(workspaceId, ranges);
      ranges.push({ profileId, min, max });
    }
    for (const [workspaceId, ranges] of touches) await profiles.touchMany(workspaceId, ranges, now);
    await profiles.flush();
    const events = pending.map((p) => (mergedInto.size === 0 ? p.event : { ...p.event, profileId: survivor(p.event.profileId) }));
    const appended = events.length > 0 ? await tx.events.append(events) : { inserted: [], duplicates: [] };
    const seqOf = new Map(appended.inserted.map((e) => [`${e.workspaceId}\u0000${e.messageId}`, e.seq]));
    let lastSeq = 0;
    pending.forEach((p, i) => {
      const event = events[i]!;
      const seq = seqOf.get(`${event.workspaceId}\u0000${event.messageId}`);
      const result: MessageResult =
        seq === undefined
          ? { outcome: 'duplicate', type: event.type, messageId: event.messageId }
          : { outcome: 'accepted', type: event.type, messageId: event.messageId, profileId: event.profileId, seq, warnings: p.warnings };
      if (seq !== undefined) lastSeq = Math.max(lastSeq, seq);
      outcomes[p.job]!.set(p.prepared.index, result);
    });
    return { outcomes, lastSeq };
  }
}
