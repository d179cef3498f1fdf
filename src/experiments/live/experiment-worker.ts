import type { Clock, MembershipChange, StoredEvent } from '../../core/index.js';
import { historyFromEvents, type SegmentService } from '../../engine/index.js';
import { evaluate } from '../../rules/index.js';
import type { ChangeLog } from '../../membership/index.js';
import { ConsumerLoop, eventLogOf, inStore, LogConsumer, type Repos, type Store } from '../../store/index.js';
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
  /**
   * Whether this process records now (the app passes "the engine holds its lease"; default always): of several
   * processes on one database only the active one writes, a standby's cursors wait where the active one left them.
   */
  readonly isActive?: () => boolean;
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
  private readonly segmentNames = new Map<string, string | null>();
  private readonly loop: ConsumerLoop;
  private readonly changes: LogConsumer<MembershipChange>;
  private readonly events: LogConsumer<StoredEvent>;
  private readonly batchSize: number;
  private unsubscribe: (() => void) | undefined;
  /** The running experiments of the tick in progress (read once per tick). */
  private prepared: ReadonlyMap<string, Prepared> = new Map();
  private counts = { exposures: 0, conversions: 0 };

  constructor(private readonly options: ExperimentWorkerOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    const common = { db: inStore(options.store), table: 'experiment_cursors', from: 'start' as const, batchSize: this.batchSize };
    this.changes = new LogConsumer({ ...common, log: options.changeLog, name: CHANGES, apply: (tx, batch) => this.applyChanges(tx, batch) });
    this.events = new LogConsumer({ ...common, log: eventLogOf(options.store.events), name: EVENTS, apply: (tx, batch) => this.applyEvents(tx, batch) });
    this.loop = new ConsumerLoop({
      step: async () => {
        await this.tick();
        return false;
      },
      onError: (error) => this.options.onError?.(error),
      clock: options.clock,
      pollMs: options.pollMs ?? 1_000,
      ...(options.isActive === undefined ? {} : { isActive: options.isActive }),
    });
  }

  /** Starts ticking: on every new membership change, on {@link wake}, and every `pollMs`. */
  start(): void {
    this.unsubscribe = this.options.changeLog.onAppended(() => this.wake());
    this.loop.start();
  }

  /** Asks for a tick soon (after new events commit). Ticks never overlap. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops ticking and waits for a tick in flight. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
  }

  /** Processes everything readable now: all new membership changes, then all new events, then due rule metrics. */
  async tick(): Promise<TickResult> {
    this.prepared = await this.prepare();
    this.counts = { exposures: 0, conversions: 0 };
    await this.changes.drain();
    if (this.prepared.size === 0) {
      // nothing runs: events before an experiment's first exposure are covered by the exposure-time scan
      await this.events.advanceTo(await this.options.store.events.headSeq());
    } else await this.events.drain();
    for (const p of this.prepared.values()) for (const metric of p.ruleMetrics) await this.evaluateDue(p, metric);
    return this.counts;
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

  private async applyChanges(tx: Repos, changes: readonly MembershipChange[]): Promise<void> {
    const candidates: { exposure: Exposure; p: Prepared }[] = [];
    for (const change of changes) {
      const found = await this.exposureOf(change, this.prepared);
      if (found) candidates.push(found);
    }
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
    this.counts.exposures += fresh.length;
    this.counts.conversions += await repo.recordConversions(conversions);
  }

  private async applyEvents(tx: Repos, events: readonly StoredEvent[]): Promise<void> {
    const prepared = this.prepared;
    const repo = new ExperimentRepoSql(tx.sql);
    const byId = new Map([...prepared.values()].map((p) => [p.record.id, p]));
    const workspaces = new Set([...prepared.values()].map((p) => p.record.workspaceId));
    const relevant = events.filter((e) => workspaces.has(e.workspaceId));
    const exposures = await repo.exposuresOf([...byId.keys()], [...new Set(relevant.map((e) => e.profileId))]);
    const byProfile = new Map<string, Exposure[]>();
    for (const x of exposures) byProfile.set(x.profileId, [...(byProfile.get(x.profileId) ?? []), x]);
    const conversions: Conversion[] = [];
    for (const event of relevant) {
      for (const exposure of byProfile.get(event.profileId) ?? []) {
        const p = byId.get(exposure.experimentId);
        if (p !== undefined && p.record.workspaceId === event.workspaceId) conversions.push(...conversionsOf(event, exposure, p.metrics));
      }
    }
    this.counts.conversions += await repo.recordConversions(conversions);
  }
}
