import type { Clock, MembershipChange, StoredEvent, TimerHandle } from '../../core/index.js';
import { historyFromEvents, type SegmentService } from '../../engine/index.js';
import { evaluate } from '../../rules/index.js';
import type { ChangeLog } from '../../membership/index.js';
import type { Store } from '../../store/index.js';
import { assignArm } from './assign-arm.js';
import { parseExperimentDefinition, type CompiledMetric, type CompiledRuleMetric } from './experiment-definition.js';
import { parseArmSegmentName, type Conversion, type ExperimentRecord, type Exposure } from './experiment-record.js';
import { ExperimentRepoSql } from './experiment-repo-sql.js';
import { conversionsOf } from './match-metrics.js';

/** A running experiment prepared for the worker. */
interface Prepared {
  readonly record: ExperimentRecord;
  readonly weights: readonly number[];
  readonly armNames: readonly string[];
  readonly metrics: readonly CompiledMetric[];
  readonly ruleMetrics: readonly CompiledRuleMetric[];
}

/** What one tick recorded: new exposures and new conversion rows (duplicates of recorded ones not counted). */
export interface TickResult {
  readonly exposures: number;
  readonly conversions: number;
}

/** Worker settings. */
export interface ExperimentWorkerOptions {
  readonly store: Store;
  readonly changeLog: ChangeLog;
  readonly segments: SegmentService;
  readonly clock: Clock;
  /** Changes / events per transaction (default 1,000). */
  readonly batchSize?: number;
  /** Poll interval when nothing wakes the worker (default 1 s): picks up work written by other processes. */
  readonly pollMs?: number;
  /** Told about a failed tick (database away); the next poll retries from the durable cursors. */
  readonly onError?: (error: unknown) => void;
}

const CHANGES = 'experiments.changes';
const EVENTS = 'experiments.events';

/**
 * Records exposures and conversions as a downstream consumer of the membership change log and the event log,
 * each read by its own durable cursor that moves in the same transaction as the rows it produced (DESIGN §2).
 *
 * Exposure: an `entered` change into an arm segment (`__exp:<experiment>:<arm>`) of a running experiment, for
 * a person whose assigned arm ({@link assignArm}) is that arm, and not caused by the backfill that runs when the
 * segment is created (people who already matched before the experiment started were not triggered by it). Only
 * the first such entry counts.
 *
 * Conversions come from two directions, and both are needed because the two logs are read independently: when
 * an exposure is recorded, the person's already-stored events in the window are scanned (a conversion may have
 * been stored — and passed by the event cursor — before the exposure was); and each new event is matched against
 * the exposures recorded so far. An event is counted at most once per metric either way (natural key), so the
 * overlap is harmless and nothing is missed: an event stored before the exposure commit is seen by the scan, one
 * stored after is seen by the stream with the exposure already visible.
 */
export class ExperimentWorker {
  private readonly batchSize: number;
  private readonly segmentNames = new Map<string, string | null>();
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: ExperimentWorkerOptions) {
    this.batchSize = options.batchSize ?? 1_000;
  }

  /** Starts ticking: on every new membership change, on {@link wake}, and every `pollMs`. */
  start(): void {
    this.stopped = false;
    this.unsubscribe = this.options.changeLog.onAppended(() => this.wake());
    this.schedule();
    this.wake();
  }

  /** Asks for a tick soon (after new events commit). Ticks never overlap. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.tick();
        } catch (error) {
          // an infrastructure failure (database away): the next poll retries from the durable cursors
          this.options.onError?.(error);
          break;
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops ticking and waits for a tick in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.timer?.cancel();
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.schedule(this.options.clock.now() + (this.options.pollMs ?? 1_000), () => {
      this.wake();
      this.schedule();
    });
  }

  /** Processes everything readable now: all new membership changes, then all new events. */
  async tick(): Promise<TickResult> {
    const prepared = await this.prepare();
    let exposures = 0;
    let conversions = 0;
    for (;;) {
      const r = await this.changesBatch(prepared);
      exposures += r.exposures;
      conversions += r.conversions;
      if (!r.more) break;
    }
    for (;;) {
      const r = await this.eventsBatch(prepared);
      conversions += r.conversions;
      if (!r.more) break;
    }
    for (const p of prepared.values()) for (const metric of p.ruleMetrics) await this.evaluateDue(p, metric);
    return { exposures, conversions };
  }

  /**
   * Rule metrics: for every exposure whose exposure + window has passed on the clock, the rule's value at that
   * instant over the person's stored history (the reference evaluator, so it means exactly what the segment
   * language means), recorded once. Events arriving later with an earlier event time do not change a recorded
   * value: the metric is "what segflow knew when the window closed".
   */
  private async evaluateDue(p: Prepared, metric: CompiledRuleMetric): Promise<void> {
    const { store, clock } = this.options;
    const repo = new ExperimentRepoSql(store.sql);
    for (;;) {
      const due = await repo.dueRuleChecks(p.record.id, metric.name, metric.windowMs, clock.now(), this.batchSize);
      if (due.length === 0) return;
      const results = [];
      for (const exposure of due) {
        const at = exposure.exposedAt + metric.windowMs;
        const history = historyFromEvents(await store.events.historyOf(p.record.workspaceId, exposure.profileId));
        results.push({ experimentId: p.record.id, metric: metric.name, profileId: exposure.profileId, value: evaluate(metric.condition, history, at), at });
      }
      await repo.recordRuleResults(results);
      if (due.length < this.batchSize) return;
    }
  }

  private async prepare(): Promise<Map<string, Prepared>> {
    const repo = new ExperimentRepoSql(this.options.store.sql);
    const out = new Map<string, Prepared>();
    for (const record of await repo.listRunning()) {
      const parsed = parseExperimentDefinition(record.definition);
      if (!parsed.ok) continue;
      out.set(`${record.workspaceId}\u0000${record.name}`, {
        record,
        weights: parsed.value.arms.map((a) => a.weight),
        armNames: parsed.value.arms.map((a) => a.name),
        metrics: parsed.metrics,
        ruleMetrics: parsed.ruleMetrics,
      });
    }
    return out;
  }

  private async segmentName(workspaceId: string, segmentId: string): Promise<string | null> {
    let name = this.segmentNames.get(segmentId);
    if (name === undefined) {
      name = (await this.options.segments.get(workspaceId, segmentId))?.name ?? null;
      this.segmentNames.set(segmentId, name);
    }
    return name;
  }

  private async exposureOf(change: MembershipChange, prepared: ReadonlyMap<string, Prepared>): Promise<{ exposure: Exposure; p: Prepared } | undefined> {
    if (change.kind !== 'entered' || change.cause.kind === 'backfill') return undefined;
    const name = await this.segmentName(change.workspaceId, change.segmentId);
    const arm = name === null ? undefined : parseArmSegmentName(name);
    if (arm === undefined) return undefined;
    const p = prepared.get(`${change.workspaceId}\u0000${arm.experiment}`);
    if (p === undefined) return undefined;
    // a person counts only in their own arm: entering another arm's segment is not an exposure
    const assigned = p.armNames[assignArm(p.weights, p.record.salt, change.profileId)];
    if (assigned !== arm.arm) return undefined;
    return { exposure: { experimentId: p.record.id, profileId: change.profileId, arm: arm.arm, exposedAt: change.at }, p };
  }

  private async changesBatch(prepared: ReadonlyMap<string, Prepared>): Promise<{ exposures: number; conversions: number; more: boolean }> {
    const { store, changeLog } = this.options;
    const cursor = await new ExperimentRepoSql(store.sql).cursor(CHANGES);
    const changes = await changeLog.read(cursor, this.batchSize);
    if (changes.length === 0) return { exposures: 0, conversions: 0, more: false };
    const candidates: { exposure: Exposure; p: Prepared }[] = [];
    for (const change of changes) {
      const found = await this.exposureOf(change, prepared);
      if (found) candidates.push(found);
    }
    const last = changes[changes.length - 1]?.seq ?? cursor;
    return store.transaction(async (tx) => {
      const repo = new ExperimentRepoSql(tx.sql);
      const fresh = await repo.recordExposures(candidates.map((c) => c.exposure));
      const conversions: Conversion[] = [];
      for (const exposure of fresh) {
        const p = candidates.find((c) => c.exposure === exposure)?.p;
        if (p === undefined) continue;
        for (const event of await tx.events.historyOf(p.record.workspaceId, exposure.profileId)) {
          conversions.push(...conversionsOf(event, exposure, p.metrics));
        }
      }
      const inserted = await repo.recordConversions(conversions);
      await repo.setCursor(CHANGES, last);
      return { exposures: fresh.length, conversions: inserted, more: changes.length === this.batchSize };
    });
  }

  private async eventsBatch(prepared: ReadonlyMap<string, Prepared>): Promise<{ conversions: number; more: boolean }> {
    const { store } = this.options;
    const repo = new ExperimentRepoSql(store.sql);
    if (prepared.size === 0) {
      // nothing runs: events before an experiment's first exposure are covered by the exposure-time scan
      await repo.setCursor(EVENTS, await store.events.headSeq());
      return { conversions: 0, more: false };
    }
    const cursor = await repo.cursor(EVENTS);
    const events = await store.events.readLog(cursor, this.batchSize);
    if (events.length === 0) return { conversions: 0, more: false };
    const byId = new Map([...prepared.values()].map((p) => [p.record.id, p]));
    const workspaces = new Set([...prepared.values()].map((p) => p.record.workspaceId));
    const relevant = events.filter((e) => workspaces.has(e.workspaceId));
    const exposures = await repo.exposuresOf([...byId.keys()], [...new Set(relevant.map((e) => e.profileId))]);
    const byProfile = new Map<string, Exposure[]>();
    for (const x of exposures) byProfile.set(x.profileId, [...(byProfile.get(x.profileId) ?? []), x]);
    const conversions: Conversion[] = [];
    for (const event of relevant as StoredEvent[]) {
      for (const exposure of byProfile.get(event.profileId) ?? []) {
        const p = byId.get(exposure.experimentId);
        if (p !== undefined && p.record.workspaceId === event.workspaceId) conversions.push(...conversionsOf(event, exposure, p.metrics));
      }
    }
    const last = events[events.length - 1]?.seq ?? cursor;
    const inserted = await store.transaction(async (tx) => {
      const txRepo = new ExperimentRepoSql(tx.sql);
      const n = await txRepo.recordConversions(conversions);
      await txRepo.setCursor(EVENTS, last);
      return n;
    });
    return { conversions: inserted, more: events.length === this.batchSize };
  }
}
