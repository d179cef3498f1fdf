import type { Clock, TimerHandle } from '../core/index.js';
import { newId } from '../core/index.js';
import type { SegmentService } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Repos, Store } from '../store/index.js';
import type { SegmentInfo } from './build-payload.js';
import type { DeliveryOutcome, Destination } from './destination.js';
import { senderKeyOf } from './connect-destination.js';
import { DeliveryRepoSql, type AttemptResult } from './delivery-repo-sql.js';
import type { DeliveryRecord } from './delivery-record.js';
import type { DestinationRecord } from './destination-record.js';
import { DestinationRepoSql } from './destination-repo-sql.js';
import { OperationalEventRepoSql } from './operational-event-repo-sql.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { consentSegmentsOf } from './consent-segments.js';
import { routeChange } from './route-change.js';
import type { SecretCipher } from './secret-cipher.js';

/** The name of the system segment (rule `email_eligible`) the app registers in every workspace. */
export const EMAIL_ELIGIBLE_SEGMENT = '__email_eligible';

/** A structured log line from the worker (the app passes its logger). Never contains a signing secret. */
export interface WorkerLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** Everything the delivery worker needs. */
export interface DeliveryWorkerOptions {
  readonly store: Pick<Store, 'sql' | 'transaction'>;
  readonly changeLog: ChangeLog;
  /** Segment names and versions for payloads, and the `__email_eligible` segment's id. */
  readonly segments: Pick<SegmentService, 'get'>;
  /** All waiting (backoff, polling) goes through this clock. */
  readonly clock: Clock;
  /** Builds the sender for a destination (a {@link WebhookDestination} in production). */
  readonly connect: (destination: DestinationRecord) => Destination;
  readonly policy?: Partial<RetryPolicy>;
  /** Source of jitter in [0, 1); injectable for tests. */
  readonly random?: () => number;
  /** Deliveries in flight at once per destination (each for a different profile), unless the destination sets its own. */
  readonly concurrency?: number;
  /** Change-log entries read per transaction. */
  readonly batchSize?: number;
  /**
   * Deliveries per batch for destinations that take batches (ESP list syncs; the sender cuts them to the API's
   * own limits). Default 5,000: the queue-head query costs about the same for 500 or 5,000 rows, so bigger
   * batches make a large initial sync several times faster.
   */
  readonly listBatchSize?: number;
  /** How often to look for changes written by other processes (ms); in-process writers wake the worker at once. */
  readonly pollIntervalMs?: number;
  /** How long a destination's lease lasts without renewal (ms); another process takes over after it runs out. */
  readonly leaseMs?: number;
  /** This worker's identity in leases (default: a random id). */
  readonly workerId?: string;
  /** Opens signing secrets sealed at rest (default: stored in clear). */
  readonly cipher?: SecretCipher;
  /** Called after each recorded attempt (metrics). */
  readonly onAttempt?: (attempt: { readonly destinationId: string; readonly outcome: 'delivered' | 'retry' | 'dead'; readonly durationMs: number }) => void;
  readonly log?: (entry: WorkerLogEntry) => void;
}

/** What one {@link DeliveryWorker.tick} did. */
export interface TickSummary {
  /** Deliveries created from the change log. */
  readonly created: number;
  /** Attempts made. */
  readonly attempted: number;
}

/**
 * Delivers membership changes to destinations, at least once and in order per profile.
 *
 * Each tick, for every destination: reads the change log after the destination's durable cursor and, in one
 * transaction, creates its delivery rows ({@link routeChange}) and moves the cursor — so a crash before the
 * commit re-reads the same changes and a crash after it finds the rows; either way a message's `webhook-id`
 * (`msg_<seq>_<n>_<destination>`) is the same. Then it sends the due deliveries that head their profile's
 * queue (a profile's later message waits for its earlier one to be delivered or dead-lettered; other
 * profiles proceed), records every attempt, and schedules retries with exponential backoff and full jitter on
 * the injected clock. A delivery out of attempts or age is dead-lettered; a destination with
 * `disableAfterDeadLetters` dead letters in a row, or failing for `disableAfterFailingMs`, is disabled with an
 * operational event. Disabled destinations keep collecting deliveries (nothing is lost) and resume in order
 * when re-enabled. Several processes may run workers against one database: a lease per destination
 * (`leaseMs`, renewed every batch) makes one of them its only sender, and a dead holder's lease runs out.
 */
export class DeliveryWorker {
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly listBatchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  /** This worker's name in destination leases. */
  readonly workerId: string;
  private readonly senders = new Map<string, { key: string; destination: Destination }>();
  /** One pump per destination being served (see {@link DeliveryWorker.tick}). */
  private readonly pumps = new Map<string, { running: Promise<TickSummary>; again: boolean }>();
  private started = false;
  private wakeTimer: { at: number; handle: TimerHandle } | undefined;
  private pollTimer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.policy = { ...defaultRetryPolicy, ...options.policy };
    this.random = options.random ?? Math.random;
    this.concurrency = options.concurrency ?? 8;
    this.batchSize = options.batchSize ?? 500;
    this.listBatchSize = options.listBatchSize ?? 5_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.workerId = options.workerId ?? newId('wrk');
  }

  /** Starts serving: wakes on new changes, on due retries and every poll interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.options.changeLog.onAppended(() => this.wake());
    this.schedulePoll();
    this.wake();
  }

  /** Stops timers and listeners and waits for the tick in progress. */
  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pollTimer?.cancel();
    this.wakeTimer?.handle.cancel();
    this.wakeTimer = undefined;
    await Promise.all([...this.pumps.values()].map((p) => p.running.catch(() => undefined)));
    await new DestinationRepoSql(this.options.store.sql, this.options.cipher).releaseAll(this.workerId).catch(() => undefined);
  }

  /** Asks for a tick soon (after the current one, if any). */
  wake(): void {
    void this.tick().catch((err: unknown) => this.log('error', 'delivery tick failed', { error: String(err) }));
  }

  /**
   * One pass over every destination: route new changes into deliveries and send everything due, until nothing
   * more is due now. Each destination runs in its own pump — its own concurrency, timeout budget and retries —
   * so one hanging or slow destination never delays another: a wake kicks every pump, and a pump that is busy
   * only notes that it must run again. Resolves with the totals of the pumps it kicked or joined.
   */
  async tick(): Promise<TickSummary> {
    const repo = new DestinationRepoSql(this.options.store.sql, this.options.cipher);
    const ids = (await repo.all()).map((d) => d.id);
    const results = await Promise.all(ids.map((id) => this.pump(id)));
    return results.reduce((a, b) => ({ created: a.created + b.created, attempted: a.attempted + b.attempted }), { created: 0, attempted: 0 });
  }

  /** Runs (or joins) the pump of one destination: route, then send, again while wakes keep arriving. */
  private pump(id: string): Promise<TickSummary> {
    const current = this.pumps.get(id);
    if (current) {
      current.again = true;
      return current.running;
    }
    const state: { running: Promise<TickSummary>; again: boolean } = { running: Promise.resolve({ created: 0, attempted: 0 }), again: false };
    const run = async (): Promise<TickSummary> => {
      let created = 0;
      let attempted = 0;
      try {
        do {
          state.again = false;
          const repo = new DestinationRepoSql(this.options.store.sql, this.options.cipher);
          const d = await repo.byId(id);
          // Another process holds this destination: it routes and sends, in order; this one keeps off.
          if (!d || !(await repo.claim(id, this.workerId, this.options.clock.now(), this.leaseMs))) break;
          created += await this.route(d);
          attempted += await this.dispatch(id);
          // A wake that arrived during any await above must not be lost.
        } while (state.again);
      } finally {
        this.pumps.delete(id);
      }
      if (this.started) await this.scheduleWake().catch((err: unknown) => this.log('error', 'cannot schedule the next delivery', { error: String(err) }));
      return { created, attempted };
    };
    this.pumps.set(id, state);
    state.running = run();
    return state.running;
  }

  /** Creates deliveries for every change after the destination's cursor. */
  private async route(destination: DestinationRecord): Promise<number> {
    const { store, changeLog, clock } = this.options;
    let cursor = destination.cursorSeq;
    let created = 0;
    const infoCache = new Map<string, SegmentInfo>();
    const eligibility = await this.options.segments.get(destination.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
    const consentSegments = await consentSegmentsOf(this.options.segments, destination.workspaceId, destination.config.consentCategories);
    for (;;) {
      const changes = await changeLog.read(cursor, this.batchSize, destination.workspaceId);
      if (changes.length === 0) return created;
      const last = changes[changes.length - 1]?.seq ?? cursor;
      const routed = await store.transaction(async (tx) => {
        const dests = new DestinationRepoSql(tx.sql, this.options.cipher);
        const fresh = await dests.byId(destination.id);
        // Deleted, or its cursor moved by someone else (a lease lost meanwhile): leave this batch alone.
        if (!fresh || fresh.cursorSeq !== cursor) return undefined;
        let n = 0;
        for (const change of changes) {
          n += await routeChange(change, {
            tx,
            destination: fresh,
            eligibilitySegmentId: eligibility?.id,
            consentSegments,
            now: clock.now(),
            segmentInfo: (ws, id, version) => this.segmentInfo(infoCache, ws, id, version),
          });
        }
        await dests.setCursor(destination.id, last);
        return n;
      });
      if (routed === undefined) return created;
      created += routed;
      cursor = last;
    }
  }

  private async segmentInfo(cache: Map<string, SegmentInfo>, workspaceId: string, id: string, version: number): Promise<SegmentInfo> {
    let info = cache.get(id);
    if (!info) {
      const s = await this.options.segments.get(workspaceId, id);
      // A deleted segment keeps its id in the message; its name is gone.
      info = s ? { id: s.id, name: s.name, version: s.version } : { id, name: id, version };
      cache.set(id, info);
    }
    return info;
  }

  /** Sends due deliveries of one destination until none is due now. Returns attempts made. */
  private async dispatch(destinationId: string): Promise<number> {
    const { store, clock } = this.options;
    const repo = new DeliveryRepoSql(store.sql);
    let attempted = 0;
    for (;;) {
      const dests = new DestinationRepoSql(store.sql, this.options.cipher);
      if (!(await dests.claim(destinationId, this.workerId, clock.now(), this.leaseMs))) return attempted;
      const destination = await dests.byId(destinationId);
      if (!destination || !destination.enabled) return attempted;
      const sender = this.senderFor(destination);
      const concurrency = destination.config.concurrency ?? this.concurrency;
      // Fetch a generous batch of queue heads (one per profile) and send it through a pool of `concurrency`
      // (or, to a receiver that takes batches, as one batch): the head query and the commit that records the
      // batch are amortised over many deliveries.
      const due = await repo.dueHeads(destinationId, clock.now(), sender.deliverBatch ? this.listBatchSize : concurrency * 16);
      if (due.length === 0) return attempted;
      const results: { delivery: DeliveryRecord; outcome: DeliveryOutcome; startedAt: number }[] = [];
      if (sender.deliverBatch) {
        const startedAt = clock.now();
        let outcomes: DeliveryOutcome[];
        try {
          outcomes = await sender.deliverBatch(due.map((d) => ({ id: d.id, payload: d.payload })));
        } catch (err) {
          const failed: DeliveryOutcome = { ok: false, retryable: true, error: `sender failed: ${String(err)}`, durationMs: clock.now() - startedAt };
          outcomes = due.map(() => failed);
        }
        due.forEach((delivery, i) => results.push({ delivery, outcome: outcomes[i] ?? { ok: false, retryable: true, error: 'no outcome', durationMs: 0 }, startedAt }));
      } else {
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < due.length) {
            const delivery = due[next++] as DeliveryRecord;
            const startedAt = clock.now();
            let outcome: DeliveryOutcome;
            try {
              outcome = await sender.deliver({ id: delivery.id, payload: delivery.payload });
            } catch (err) {
              outcome = { ok: false, retryable: true, error: `sender failed: ${String(err)}`, durationMs: clock.now() - startedAt };
            }
            results.push({ delivery, outcome, startedAt });
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane));
      }
      attempted += results.length;
      // One transaction for the whole batch: an attempt's record is cheap, a commit is not.
      const recorded = await store.transaction(async (tx) => {
        const out: { next: AttemptResult['next']['kind']; logs: WorkerLogEntry[]; durationMs: number }[] = [];
        for (const r of results) {
          out.push({ ...(await this.record(tx, destination, r.delivery, r.outcome, r.startedAt)), durationMs: r.outcome.durationMs });
        }
        // The destination's visible state: its last error, and one rate-limit wait per batch that met a 429.
        const dests = new DestinationRepoSql(tx.sql, this.options.cipher);
        const lastFailure = [...results].reverse().find((r) => !r.outcome.ok)?.outcome;
        if (lastFailure && !lastFailure.ok) await dests.recordLastError(destination.id, lastFailure.error, this.options.clock.now());
        if (results.some((r) => !r.outcome.ok && r.outcome.status === 429)) await dests.recordRateLimitWait(destination.id);
        return out;
      });
      for (const r of recorded) {
        for (const entry of r.logs) this.options.log?.(entry);
        this.options.onAttempt?.({ destinationId, outcome: r.next === 'retry' ? 'retry' : r.next, durationMs: r.durationMs });
      }
    }
  }

  /** Records one attempt inside `tx`; returns the delivery's next state and the log lines to write once it commits. */
  private async record(
    tx: Repos,
    destination: DestinationRecord,
    delivery: DeliveryRecord,
    outcome: DeliveryOutcome,
    startedAt: number,
  ): Promise<{ next: AttemptResult['next']['kind']; logs: WorkerLogEntry[] }> {
    const now = this.options.clock.now();
    let next: AttemptResult['next'];
    if (outcome.ok) {
      next = { kind: 'delivered' };
    } else {
      const attempts = delivery.attempts + 1;
      const exhausted = attempts >= this.policy.maxAttempts || now - delivery.windowStart >= this.policy.maxAgeMs;
      next =
        !outcome.retryable || exhausted
          ? { kind: 'dead' }
          : { kind: 'retry', at: now + backoffDelay(attempts, this.policy, this.random, outcome.retryAfterMs) };
    }
    const disabled = await (async () => {
      const recorded = await new DeliveryRepoSql(tx.sql).recordAttempt(delivery, {
        startedAt,
        durationMs: outcome.durationMs,
        status: outcome.status ?? null,
        error: outcome.ok ? null : outcome.error,
        next,
      });
      if (!recorded) return undefined;
      const dests = new DestinationRepoSql(tx.sql, this.options.cipher);
      if (next.kind === 'delivered') {
        await dests.recordSuccess(destination.id);
        return undefined;
      }
      const after = await dests.recordFailure(destination.id, next.kind === 'dead', now);
      if (!after) return undefined;
      const tooMany = after.consecutiveDead >= this.policy.disableAfterDeadLetters;
      const tooLong = after.failingSince !== null && now - after.failingSince >= this.policy.disableAfterFailingMs;
      if (!(tooMany || tooLong) || !(await dests.autoDisable(destination.id, now))) return undefined;
      const detail = {
        name: destination.name,
        reason: tooMany ? 'consecutive_dead_letters' : 'failing_too_long',
        consecutiveDeadLetters: after.consecutiveDead,
        failingSince: after.failingSince,
        lastError: outcome.ok ? null : outcome.error,
      };
      await new OperationalEventRepoSql(tx.sql).append({
        workspaceId: destination.workspaceId,
        kind: 'destination.disabled',
        subject: destination.id,
        detail,
        at: now,
      });
      return detail;
    })();
    const logs: WorkerLogEntry[] = [];
    if (next.kind === 'dead') {
      logs.push({ level: 'warn', msg: 'delivery dead-lettered', destinationId: destination.id, deliveryId: delivery.id, error: outcome.ok ? null : outcome.error });
    }
    if (disabled) logs.push({ level: 'error', msg: 'destination disabled after repeated failures', destinationId: destination.id, ...disabled });
    return { next: next.kind, logs };
  }

  private senderFor(destination: DestinationRecord): Destination {
    // Rebuilt when the address, secrets, settings or grace period change (PATCH, rotation), reused otherwise.
    const key = senderKeyOf(destination, this.options.clock.now());
    const cached = this.senders.get(destination.id);
    if (cached && cached.key === key) return cached.destination;
    const created = this.options.connect(destination);
    this.senders.set(destination.id, { key, destination: created });
    return created;
  }

  /** Arms one timer at the earliest pending retry of any enabled destination. */
  private async scheduleWake(): Promise<void> {
    const repo = new DeliveryRepoSql(this.options.store.sql);
    let earliest: number | undefined;
    for (const d of await new DestinationRepoSql(this.options.store.sql, this.options.cipher).all()) {
      if (!d.enabled) continue;
      const at = await repo.nextDue(d.id);
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    if (earliest === undefined) return;
    if (this.wakeTimer && this.wakeTimer.at <= earliest) return;
    this.wakeTimer?.handle.cancel();
    const at = earliest;
    this.wakeTimer = {
      at,
      handle: this.options.clock.schedule(at, () => {
        this.wakeTimer = undefined;
        this.wake();
      }),
    };
  }

  private schedulePoll(): void {
    if (!this.started) return;
    this.pollTimer = this.options.clock.schedule(this.options.clock.now() + this.pollIntervalMs, () => {
      this.wake();
      this.schedulePoll();
    });
  }

  private log(level: WorkerLogEntry['level'], msg: string, fields: Record<string, unknown>): void {
    this.options.log?.({ level, msg, ...fields });
  }
}
