import type { Clock, MembershipChange, StoredEvent, TimerHandle } from '../core/index.js';
import { historyItemsOf } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { ActionSender, type ActionPorts, type ActionSenderOptions } from './action-sender.js';
import { WorkflowCursorRepoSql } from './cursor-repo-sql.js';
import { emptyCounts, RunAdvancer, type AdvanceCounts } from './run-advancer.js';
import { RunRepoSql } from './run-repo-sql.js';
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
 * Several processes on PostgreSQL may run it: the feeds serialise on their cursor row (`FOR UPDATE`), timers and
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
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: WorkflowRuntimeOptions) {
    this.catalog = new WorkflowCatalog(options.segments);
    this.advancer = new RunAdvancer(this.catalog);
    this.sender = new ActionSender({ store: options.store, clock: options.clock, ports: options.ports, ...options.sender });
    this.batchSize = options.batchSize ?? 500;
  }

  /** Starts from the stored cursors (first start: the logs' heads) and processes whatever is due. */
  async start(): Promise<void> {
    this.stopped = false;
    const { store, changeLog } = this.options;
    const cursors = new WorkflowCursorRepoSql(store.sql);
    await cursors.get(MEMBERSHIP, await changeLog.head());
    await cursors.get(EVENTS, await store.events.headSeq());
    this.unsubscribe = changeLog.onAppended(() => this.wake());
    this.wake();
  }

  /** Asks for a pass soon (new events or changes committed, a workflow saved). Coalesced. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Waits for the pass in progress, if any. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.timer?.cancel();
    await this.idle();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const pass = await this.pass();
        if (pass.changes + pass.events + pass.timers + pass.sent > 0) this.again = true;
      } catch (error) {
        this.options.log?.('error', 'workflow runtime pass failed', { err: error instanceof Error ? error.message : String(error) });
        break;
      }
    } while (this.again && !this.stopped);
    await this.arm();
  }

  private async arm(): Promise<void> {
    if (this.stopped) return;
    const { store, clock } = this.options;
    const dues = [await new WorkflowTimerRepoSql(store.sql).nextDue(), await this.sender.nextDue()].filter((x): x is number => x !== undefined);
    this.timer?.cancel();
    this.timer = undefined;
    if (dues.length > 0) this.timer = clock.schedule(Math.min(...dues), () => this.wake());
  }

  /** One pass: a batch of membership changes, a batch of events, the due timers, the due actions. Exposed for tests. */
  async pass(): Promise<RuntimePass> {
    const counts = emptyCounts();
    const changes = await this.membershipBatch(counts);
    const events = await this.eventBatch(counts);
    const timers = await this.timerBatch(counts);
    const sent = await this.sender.sendDue();
    return { ...counts, changes, events, timers, sent };
  }

  private async liveWorkflows(): Promise<WorkflowRecord[]> {
    return new WorkflowRepoSql(this.options.store.sql).live();
  }

  private async membershipBatch(counts: AdvanceCounts): Promise<number> {
    const { store, changeLog } = this.options;
    const cursor = await new WorkflowCursorRepoSql(store.sql).get(MEMBERSHIP, 0);
    const batch = await changeLog.read(cursor, this.batchSize);
    if (batch.length === 0) return 0;
    const workflows = (await this.liveWorkflows()).filter((w) => w.status === 'active');
    await store.transaction(async (tx) => {
      const cursors = new WorkflowCursorRepoSql(tx.sql);
      // Another worker took this batch meanwhile: leave it to them.
      if ((await cursors.get(MEMBERSHIP, 0)) !== cursor) return;
      this.advancer.reset();
      for (const change of batch) await this.onChange(tx, change, workflows, counts);
      await cursors.set(MEMBERSHIP, batch.at(-1)?.seq ?? cursor);
    });
    return batch.length;
  }

  private async onChange(tx: Parameters<Parameters<Store['transaction']>[0]>[0], change: MembershipChange, workflows: readonly WorkflowRecord[], counts: AdvanceCounts): Promise<void> {
    const at = change.at;
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

  private async eventBatch(counts: AdvanceCounts): Promise<number> {
    const { store } = this.options;
    const cursor = await new WorkflowCursorRepoSql(store.sql).get(EVENTS, 0);
    const batch = await store.events.readLog(cursor, this.batchSize);
    if (batch.length === 0) return 0;
    const workflows = (await this.liveWorkflows()).filter((w) => w.status === 'active');
    await store.transaction(async (tx) => {
      const cursors = new WorkflowCursorRepoSql(tx.sql);
      if ((await cursors.get(EVENTS, 0)) !== cursor) return;
      this.advancer.reset();
      for (const event of batch) await this.onEvent(tx, event, workflows, counts);
      await cursors.set(EVENTS, batch.at(-1)?.seq ?? cursor);
    });
    return batch.length;
  }

  private async onEvent(tx: Parameters<Parameters<Store['transaction']>[0]>[0], event: StoredEvent, workflows: readonly WorkflowRecord[], counts: AdvanceCounts): Promise<void> {
    const now = this.options.clock.now();
    // A future-dated event is taken at the present: a run never moves ahead of the clock.
    const at = Math.min(event.timestamp, now);
    const item = historyItemsOf(event).event;
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

  private async timerBatch(counts: AdvanceCounts): Promise<number> {
    const { store, clock } = this.options;
    return store.transaction(async (tx) => {
      this.advancer.reset();
      const due = await new WorkflowTimerRepoSql(tx.sql).claimDue(clock.now(), this.batchSize);
      if (due.length === 0) return 0;
      const dueOf = new Map(due.map((d) => [d.runId, d.dueAt]));
      // One timer per run, so each run is advanced once here: its writes can be buffered and written together.
      const writes = new RunWrites();
      for (const run of await new RunRepoSql(tx.sql).getMany([...dueOf.keys()], true)) {
        if (run.state.status !== 'active') {
          writes.timer(run.id, undefined);
          continue;
        }
        // The timer's own instant, not the (later) moment we got to it: waits end at their instant.
        await this.advancer.advance(tx, run, { kind: 'timer', at: Math.max(dueOf.get(run.id) ?? clock.now(), run.state.at) }, counts, undefined, writes);
      }
      await writes.flush(tx.sql);
      return due.length;
    });
  }
}
