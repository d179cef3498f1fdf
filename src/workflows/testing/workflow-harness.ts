import { FakeClock } from '../../core/index.js';
import { Engine, EngineSegmentService } from '../../engine/index.js';
import { IngestService } from '../../ingest/index.js';
import { SqlChangeLog } from '../../membership/index.js';
import type { Store } from '../../store/index.js';
import type { ActionOutcome, ActionPorts, WorkflowWebhookPayload } from '../action-sender.js';
import { loadWorkflowYaml } from '../workflow-yaml.js';
import { WorkflowRuntime } from '../workflow-runtime.js';
import { WorkflowService } from '../workflow-service.js';

/** The workspace workflow tests use. */
export const WS = 'ws_default';

/** A sent webhook as the recording ports saw it. */
export interface Sent {
  readonly destination: string;
  readonly id: string;
  readonly payload: WorkflowWebhookPayload;
  readonly at: number;
}

/**
 * Records what actions would do instead of doing it (unit tests only: the end-to-end test sends real signed
 * webhooks). `fail` makes the next attempts fail (retryable) to exercise retries.
 */
export class RecordingPorts implements ActionPorts {
  readonly sent: Sent[] = [];
  readonly traits: { profileId: string; traits: Readonly<Record<string, unknown>>; messageId: string }[] = [];
  readonly lists: { destination: string; add: boolean; list: string; profileId: string; messageId: string; at: number }[] = [];
  failNext = 0;

  constructor(private readonly clock: FakeClock) {}

  webhook(_ws: string, destination: string, message: { id: string; payload: WorkflowWebhookPayload }): Promise<ActionOutcome> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.resolve({ ok: false, retryable: true, error: 'HTTP 503' });
    }
    this.sent.push({ destination, id: message.id, payload: message.payload, at: this.clock.now() });
    return Promise.resolve({ ok: true });
  }

  setTraits(_ws: string, profileId: string, traits: Readonly<Record<string, unknown>>, messageId: string): Promise<ActionOutcome> {
    this.traits.push({ profileId, traits, messageId });
    return Promise.resolve({ ok: true });
  }

  listMember(_ws: string, destination: string, change: { add: boolean; list: string; profileId: string; messageId: string }): Promise<ActionOutcome> {
    this.lists.push({ destination, ...change, at: this.clock.now() });
    return Promise.resolve({ ok: true });
  }
}

/**
 * Scenario helpers for the live workflow runtime on a fake clock over a real store: the real ingestion, engine,
 * change log and runtime, wired as the app wires them; `segment`, `workflow`, `track`, `advance`, `restart`.
 */
export class WorkflowHarness {
  readonly clock: FakeClock;
  readonly ingest: IngestService;
  readonly changeLog: SqlChangeLog;
  readonly engine: Engine;
  readonly segments: EngineSegmentService;
  readonly ports: RecordingPorts;
  runtime: WorkflowRuntime;
  readonly service: WorkflowService;
  private n = 0;

  constructor(
    readonly store: Store,
    start = Date.UTC(2026, 2, 2),
  ) {
    this.clock = new FakeClock(start);
    this.ingest = new IngestService(store, { clock: this.clock });
    this.changeLog = new SqlChangeLog(store.sql);
    this.engine = new Engine({ store, clock: this.clock, changeLog: this.changeLog, tailIntervalMs: 0 });
    this.segments = new EngineSegmentService(store, this.engine, this.changeLog);
    this.ports = new RecordingPorts(this.clock);
    this.runtime = this.newRuntime();
    this.service = new WorkflowService({
      store,
      clock: this.clock,
      segments: this.segments,
      destinationNames: () => Promise.resolve(new Set(['mail', 'esp'])),
      onChange: () => this.runtime.wake(),
    });
    this.ingest.onCommitted(() => this.engine.wake());
  }

  private newRuntime(): WorkflowRuntime {
    return new WorkflowRuntime({ store: this.store, changeLog: this.changeLog, clock: this.clock, segments: this.segments, ports: this.ports });
  }

  async start(): Promise<void> {
    await this.engine.start();
    await this.runtime.start();
    await this.settle();
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
    await this.engine.stop();
  }

  /** Lets the engine and the runtime finish everything due now. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.engine.idle();
      this.runtime.wake();
      await this.runtime.idle();
    }
  }

  async segment(name: string, rule: string): Promise<void> {
    const r = await this.segments.create(WS, { name, rule });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await this.settle();
  }

  /** Saves a workflow from YAML; throws on problems (a broken fixture is a bug). */
  async workflow(yaml: string): Promise<string> {
    const loaded = loadWorkflowYaml(yaml);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const r = await this.service.save(WS, loaded.data);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await this.settle();
    return r.value.id;
  }

  /** A `track` from user `userId` now (or at `offset` ms from now, for late or early events). */
  async track(userId: string, event: string, properties: Record<string, unknown> = {}, offset = 0): Promise<void> {
    const result = await this.ingest.ingest(
      WS,
      [{ type: 'track', userId, event, properties, messageId: `msg-${++this.n}`, timestamp: new Date(this.clock.now() + offset).toISOString() }],
      { receivedAt: this.clock.now(), source: 'test' },
    );
    if (result.results.some((r) => r.outcome !== 'accepted' && r.outcome !== 'duplicate')) throw new Error(JSON.stringify(result));
    await this.settle();
  }

  /** Any Segment message now (an anonymous `track`, an `identify` linking ids, an `alias`); throws when refused. */
  async send(message: Record<string, unknown>): Promise<void> {
    const result = await this.ingest.ingest(WS, [{ messageId: `msg-${++this.n}`, timestamp: new Date(this.clock.now()).toISOString(), ...message }], {
      receivedAt: this.clock.now(),
      source: 'test',
    });
    if (result.results.some((r) => r.outcome !== 'accepted' && r.outcome !== 'duplicate')) throw new Error(JSON.stringify(result));
    await this.settle();
  }

  async identify(userId: string, traits: Record<string, unknown>): Promise<void> {
    await this.ingest.ingest(WS, [{ type: 'identify', userId, traits, messageId: `msg-${++this.n}` }], { receivedAt: this.clock.now(), source: 'test' });
    await this.settle();
  }

  /** Moves the fake clock forward and lets everything due fire. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  /** Stops the runtime and starts a fresh one over the same store (a restart). */
  async restart(): Promise<void> {
    await this.runtime.stop();
    this.runtime = this.newRuntime();
    await this.runtime.start();
    await this.settle();
  }

  /** Sent webhooks as `[stepId, ms since start]`. */
  sentSteps(start: number): [string, number][] {
    return this.ports.sent.map((s) => [s.payload.data.step.id, s.at - start]);
  }
}
