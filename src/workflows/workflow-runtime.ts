import type { Clock, MembershipChange, StoredEvent, TimerHandle } from '../core/index.js';
import { historyItemsOf } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import { ConsumerLoop, eventLogOf, inStore, LogConsumer, type Repos, type Store } from '../store/index.js';
import type { ActionRecord } from './action-repo-sql.js';
import { ActionSender, type ActionPorts, type ActionSenderOptions } from './action-sender.js';
import { emptyCounts, RunAdvancer, type AdvanceCounts } from './run-advancer.js';
import { moveMergedRuns, survivorsOf } from './merge-runs.js';
import { RunRepoSql, type RunRecord } from './run-repo-sql.js';
import { RunWrites } from './run-writes.js';
import { triggerKeyOf } from './simulate-workflow.js';
import { WorkflowCatalog, type SegmentDirectory } from './workflow-catalog.js';
import { WorkflowRepoSql, type WorkflowRecord } from './workflow-repo-sql.js';
import { WorkflowTimerRepoSql } from './workflow-timer-repo-sql.js';

/** What the runtime needs. */
export interface WorkflowRuntimeOptions {
  readonly store: Store;
  readonly changeLog: ChangeLog;
  readonly clock: Clock;
  readonly segments: SegmentDirectory;
  /** Performs actions (webhooks through destinations, trait updates through ingestion). */
  readonly ports: ActionPorts;
  /** Log entries per transaction (default 500). */
  readonly batchSize?: number;
  readonly sender?: Partial<Omit<ActionSenderOptions, 'store' | 'clock' | 'ports'>>;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Whether this process advances runs now (default always). Several runtimes on one PostgreSQL database are safe
   * (claims and locks), but the app runs journeys where the engine holds its lease, like every writing consumer.
   */
  readonly isActive?: () => boolean;
  /** Told after each batch of due timers commits, with how many runs it advanced (benchmarks measure lateness). */
  readonly onTimerBatch?: (committed: { readonly timers: number; readonly advanced: number }) => void;
}

/** Options of one {@link WorkflowRuntime.pass}. */
export interface PassOptions {
  /**
   * Leave the actions of this pass's timer batch in flight when the pass returns (default false: a pass returns
   * once everything it started is done). The runtime's own loop passes true, so that the calls of one batch are
   * made while the next batch is advanced and committed; the following pass (or {@link WorkflowRuntime.drain})
   * waits for them.
   */
  readonly overlap?: boolean;
}

/** What one pass of the runtime did. */
export interface RuntimePass extends AdvanceCounts {
  readonly changes: number;
  readonly events: number;
  readonly timers: number;
  readonly sent: number;
}

const MEMBERSHIP = 'membership';
const EVENTS = 'events';

/**
 * The workflow runtime: a downstream consumer of segflow's logs that drives every run with the pure executor.
 *
 * Inputs, each read by its own durable cursor and committed in the same transaction as everything the batch did
 * (run states, paths, timers, actions, the cursor), so a crash replays a batch whole or not at all:
 * - the membership change log (src/membership `ChangeLog`): `entered` / `exited` triggers, and a re-check of the
 *   person's active runs;
 * - the event log (`EventRepo.readLog`): event triggers (keyed), `wait_until` events, and a re-check;
 * - its own durable timers, one per run at the run's next instant (wait end, timeout, quiet hours end, or the
 *   instant a goal / exit rule changes by time alone). The only clock-driven work is one `clock.schedule` at the
 *   earliest due timer or action; there is no polling sweep.
 * Both log feeds are {@link LogConsumer}s (src/store/consumer): several processes on PostgreSQL may run it, each
 * batch claims its cursor row (a second process waits, then backs off), timers and
 * actions are claimed `FOR UPDATE SKIP LOCKED`, and runs are locked while advanced, so no step runs twice.
 * Entries and exits happen at the input's logical instant (the event's time, the change's instant, the timer's
 * due time), never at the time the runtime got to it. Only inputs recorded after a workflow version was created
 * can start runs in it (importing old history does not replay journeys).
 */
export class WorkflowRuntime {
  private readonly catalog: WorkflowCatalog;
  private readonly advancer: RunAdvancer;
  private readonly sender: ActionSender;
  private readonly batchSize: number;
  private readonly loop: ConsumerLoop;
  private readonly membership: LogConsumer<MembershipChange>;
  private readonly events: LogConsumer<StoredEvent>;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = true;
  private counts: AdvanceCounts = emptyCounts();
  /** Actions handed over by a timer batch and still being performed (see {@link PassOptions.overlap}). */
  private inFlight: Promise<number> | undefined;

  constructor(private readonly options: WorkflowRuntimeOptions) {
    this.catalog = new WorkflowCatalog(options.segments);
    this.advancer = new RunAdvancer(this.catalog);
    this.sender = new ActionSender({ store: options.store, clock: options.clock, ports: options.ports, ...options.sender });
    this.batchSize = options.batchSize ?? 500;
    // Both feeds start at the logs' heads: only inputs recorded after the runtime first ran can start runs.
    const common = { db: inStore(options.store), table: 'workflow_cursors', from: 'head' as const, batchSize: this.batchSize };
    this.membership = new LogConsumer({ ...common, log: options.changeLog, name: MEMBERSHIP, apply: (tx, batch) => this.applyChanges(tx, batch) });
    this.events = new LogConsumer({ ...common, log: eventLogOf(options.store.events), name: EVENTS, apply: (tx, batch) => this.applyEvents(tx, batch) });
    this.loop = new ConsumerLoop({
      step: async () => {
        const pass = await this.pass({ overlap: true });
        if (pass.changes + pass.events + pass.timers + pass.sent > 0) return true;
        // Nothing new: wait for the last batch's calls before sleeping (their failures are retried by time).
        if ((await this.drain()) > 0) return true;
        await this.arm();
        return false;
      },
      onError: (error) => {
        this.options.log?.('error', 'workflow runtime pass failed', { err: error instanceof Error ? error.message : String(error) });
        // still wake at the next due timer or action: the failed pass is retried from the durable cursors
        this.arm().catch(() => undefined);
      },
      ...(options.isActive ? { isActive: options.isActive } : {}),
    });
  }

  /** Starts from the stored cursors (first start: the logs' heads) and processes whatever is due. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.membership.position();
    await this.events.position();
    this.unsubscribe = this.options.changeLog.onAppended(() => this.wake());
    this.loop.start();
  }

  /** Asks for a pass soon (new events or changes committed, a workflow saved). Coalesced. */
  wake(): void {
    this.loop.wake();
  }

  /** Waits for the pass in progress, if any. */
  async idle(): Promise<void> {
    await this.loop.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.timer?.cancel();
    await this.loop.stop();
    await this.drain().catch(() => 0);
  }

  /** Waits for the actions still in flight from an overlapped pass; returns how many were performed. */
  async drain(): Promise<number> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    return inFlight === undefined ? 0 : inFlight;
  }

  private async arm(): Promise<void> {
    if (this.stopped) return;
    const { store, clock } = this.options;
    const dues = [await new WorkflowTimerRepoSql(store.sql).nextDue(), await this.sender.nextDue()].filter((x): x is number => x !== undefined);
    this.timer?.cancel();
    this.timer = undefined;
    if (dues.length > 0) this.timer = clock.schedule(Math.min(...dues), () => this.wake());
  }

  /**
   * One pass: a batch of membership changes, a batch of events, a batch of due timers, the due actions. The actions
   * the timer batch produced are inserted already claimed and performed as soon as it commits, beside the sender's
   * own claim of other due actions (retries, actions of other inputs); with `overlap` they are still in flight
   * when the pass returns, and the next pass waits for them after its own commit. Exposed for tests and benchmarks.
   */
  async pass(options: PassOptions = {}): Promise<RuntimePass> {
    const counts = emptyCounts();
    this.counts = counts;
    const changes = (await this.membership.step()).consumed;
    const events = (await this.events.step()).consumed;
    const batch = await this.timerBatch(counts);
    const previous = this.drain();
    const handed = this.sender.performClaimed(batch.claimed);
    // Observed below or by the next pass / drain(); never left as an unhandled rejection if sendDue throws first.
    handed.catch(() => undefined);
    let sent = (await this.sender.sendDue()) + (await previous);
    if (options.overlap && batch.claimed.length > 0) this.inFlight = handed;
    else sent += await handed;
    return { ...counts, changes, events, timers: batch.timers, sent };
  }

  private async liveWorkflows(): Promise<WorkflowRecord[]> {
    return new WorkflowRepoSql(this.options.store.sql).live();
  }

  private async applyChanges(tx: Repos, batch: readonly MembershipChange[]): Promise<void> {
    const workflows = (await this.liveWorkflows()).filter((w) => w.status === 'active');
    // Runs of workflows that are not active are skipped below anyway: with none active, the batch only moves the
    // cursor (no history reads, no per-entry queries held open in this transaction while ingestion waits).
    if (workflows.length === 0) return;
    this.advancer.reset();
    await this.advancer.preload(tx, batch);
    for (const change of batch) await this.onChange(tx, change, workflows, this.counts);
  }

  private async onChange(tx: Repos, change: MembershipChange, workflows: readonly WorkflowRecord[], counts: AdvanceCounts): Promise<void> {
    const at = change.at;
    if (change.cause.kind === 'profile_merged') {
      // The engine's exit of a merged-away profile: its runs go to the survivor (if the merge's event has not
      // moved them yet), and the exit is no trigger — that profile is nobody now; the survivor's own changes follow.
      await moveMergedRuns(tx, change.cause.into, [change.profileId], at);
      return;
    }
    for (const run of await new RunRepoSql(tx.sql).activeOf([change.profileId], true)) {
      if (!workflows.some((w) => w.id === run.workflowId)) continue;
      await this.advancer.advance(tx, run, { kind: 'update', at: Math.max(at, run.state.at) }, counts);
    }
    for (const w of workflows) {
      if (w.workspaceId !== change.workspaceId) continue;
      const loaded = await this.catalog.current(tx.sql, w);
      const trigger = loaded.definition.trigger;
      if (trigger.kind !== change.kind || change.recordedAt < loaded.createdAt) continue;
      const segments = await this.catalog.segmentsOf(w.workspaceId, this.options.clock.now());
      if (segments.idOf.get(trigger.segment) !== change.segmentId) continue;
      await this.advancer.start(tx, w, loaded, change.profileId, '', at, counts);
    }
  }

  private async applyEvents(tx: Repos, batch: readonly StoredEvent[]): Promise<void> {
    const workflows = (await this.liveWorkflows()).filter((w) => w.status === 'active');
    if (workflows.length === 0) return;
    this.advancer.reset();
    await this.advancer.preload(tx, batch);
    for (const event of batch) await this.onEvent(tx, event, workflows, this.counts);
  }

  private async onEvent(tx: Repos, event: StoredEvent, workflows: readonly WorkflowRecord[], counts: AdvanceCounts): Promise<void> {
    const now = this.options.clock.now();
    // A future-dated event is taken at the present: a run never moves ahead of the clock.
    const at = Math.min(event.timestamp, now);
    const item = historyItemsOf(event).event;
    if (event.type === 'alias' || (event.type === 'identify' && event.userId !== null && event.anonymousId !== null)) {
      // The event that may have merged profiles into this one (as the engine reads it): their runs come here
      // first, so that this event advances them as the survivor's.
      await moveMergedRuns(tx, event.profileId, await tx.profiles.mergedInto(event.workspaceId, event.profileId), at);
    }
    for (const run of await new RunRepoSql(tx.sql).activeOf([event.profileId], true)) {
      if (!workflows.some((w) => w.id === run.workflowId)) continue;
      const input = item ? { kind: 'event' as const, at: Math.max(at, run.state.at), event: item } : { kind: 'update' as const, at: Math.max(at, run.state.at) };
      await this.advancer.advance(tx, run, input, counts);
    }
    if (!item) return;
    for (const w of workflows) {
      if (w.workspaceId !== event.workspaceId) continue;
      const loaded = await this.catalog.current(tx.sql, w);
      if (loaded.definition.trigger.kind !== 'event' || event.receivedAt < loaded.createdAt) continue;
      const key = triggerKeyOf(loaded.definition, item);
      if (key !== undefined) await this.advancer.start(tx, w, loaded, event.profileId, key, at, counts);
    }
  }

  /** Moves the runs among `runs` whose profile was merged away to the survivors; true when any moved. */
  private async moveMergedOf(tx: Repos, runs: readonly RunRecord[], at: number): Promise<boolean> {
    const byWorkspace = new Map<string, Set<string>>();
    for (const r of runs) byWorkspace.set(r.workspaceId, (byWorkspace.get(r.workspaceId) ?? new Set()).add(r.profileId));
    let any = false;
    for (const [workspaceId, ids] of byWorkspace) {
      const survivors = await survivorsOf(tx.sql, workspaceId, [...ids]);
      const bySurvivor = new Map<string, string[]>();
      for (const [id, into] of survivors) bySurvivor.set(into, [...(bySurvivor.get(into) ?? []), id]);
      for (const [into, merged] of bySurvivor) {
        await moveMergedRuns(tx, into, merged, at);
        any = true;
      }
    }
    return any;
  }

  private async timerBatch(counts: AdvanceCounts): Promise<{ timers: number; claimed: readonly ActionRecord[] }> {
    const { store, clock } = this.options;
    const advancedBefore = counts.advanced;
    const out = await store.transaction(async (tx) => {
      this.advancer.reset();
      const now = clock.now();
      const due = await new WorkflowTimerRepoSql(tx.sql).claimDue(now, this.batchSize);
      if (due.length === 0) return { timers: 0, claimed: [] };
      const dueOf = new Map(due.map((d) => [d.runId, d.dueAt]));
      // One timer per run, so each run is advanced once here: its writes can be buffered and written together.
      // Its actions are inserted claimed by this process for a lease and performed right after the commit.
      const writes = new RunWrites(now + this.sender.leaseMs, now);
      let runs = await new RunRepoSql(tx.sql).getMany([...dueOf.keys()], true);
      // A run of a profile merged away since its last input (the merge's event not read yet) moves to the survivor
      // before its timer advances it: one read of the profile table per batch.
      if (await this.moveMergedOf(tx, runs, now)) runs = await new RunRepoSql(tx.sql).getMany([...dueOf.keys()], true);
      await this.advancer.preload(tx, runs.filter((r) => r.state.status === 'active'));
      for (const run of runs) {
        if (run.state.status !== 'active') {
          writes.timer(run.id, undefined);
          continue;
        }
        // The timer's own instant, not the (later) moment we got to it: waits end at their instant.
        await this.advancer.advance(tx, run, { kind: 'timer', at: Math.max(dueOf.get(run.id) ?? clock.now(), run.state.at) }, counts, undefined, writes);
      }
      await writes.flush(tx.sql);
      return { timers: due.length, claimed: writes.claimedActions };
    });
    if (out.timers > 0) this.options.onTimerBatch?.({ timers: out.timers, advanced: counts.advanced - advancedBefore });
    return out;
  }
}
