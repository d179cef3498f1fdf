import type { Clock, Segment, Subscription } from '../../core/index.js';
import { FakeClock, newId } from '../../core/index.js';
import type { SegmentService } from '../../engine/index.js';
import { MembershipRepoSql, SqlChangeLog } from '../../membership/index.js';
import type { Store } from '../../store/index.js';
import { parseDestinationAllowlist } from '../destination-allowlist.js';
import { DeliveryWorker, EMAIL_ELIGIBLE_SEGMENT, type DeliveryWorkerOptions } from '../delivery-worker.js';
import { DestinationService, type DestinationInput } from '../destination-service.js';
import { SsrfGuard } from '../ssrf-guard.js';
import { connectDestination, type ConnectOptions } from '../connect-destination.js';
import { TestReceiver } from './test-receiver.js';

/** An in-memory stand-in for the segment lookup the worker needs (`get` by id or name). */
export class FakeSegments implements Pick<SegmentService, 'get'> {
  private readonly byId = new Map<string, Segment>();

  add(workspaceId: string, name: string): Segment {
    const segment: Segment = {
      id: newId('seg'),
      workspaceId,
      name,
      description: '',
      version: 1,
      ruleText: name === EMAIL_ELIGIBLE_SEGMENT ? 'email_eligible' : 'true',
      ruleJson: null,
      group: null,
      priority: 0,
      createdAt: 0,
      updatedAt: 0,
    };
    this.byId.set(segment.id, segment);
    return segment;
  }

  async get(workspaceId: string, idOrName: string): Promise<Segment | undefined> {
    for (const s of this.byId.values()) if (s.workspaceId === workspaceId && (s.id === idOrName || s.name === idOrName)) return s;
    return undefined;
  }
}

/** Options of a {@link DeliveryHarness}. */
export interface DeliveryHarnessOptions {
  readonly clock?: Clock;
  readonly worker?: Partial<Omit<DeliveryWorkerOptions, 'store' | 'changeLog' | 'segments' | 'clock' | 'connect'>>;
  /** How senders are built besides guard and clock (ESP job polling, CA certificates). */
  readonly connect?: Partial<Omit<ConnectOptions, 'guard' | 'clock'>>;
}

/**
 * A store with the real change log (engine's SqlChangeLog over `membership_changes`), a loopback receiver
 * allow-listed by the SSRF guard, the destination service and a delivery worker on a clock: what the
 * destination tests and the benchmark drive.
 */
export class DeliveryHarness {
  readonly workspaceId = 'ws_default';
  readonly segments = new FakeSegments();
  readonly changeLog: SqlChangeLog;
  readonly guard = new SsrfGuard({
    allowlist: parseDestinationAllowlist('127.0.0.1'),
    resolver: async (host) => {
      throw new Error(`no DNS in tests (${host})`);
    },
  });
  readonly service: DestinationService;
  worker: DeliveryWorker;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly receiver: TestReceiver,
    private readonly workerOptions: DeliveryHarnessOptions['worker'],
    private readonly connectOptions: DeliveryHarnessOptions['connect'] = {},
  ) {
    this.changeLog = new SqlChangeLog(store.sql);
    this.service = new DestinationService({ store, changeLog: this.changeLog, guard: this.guard, clock, segments: this.segments, connect: connectOptions });
    this.worker = this.newWorker();
  }

  static async create(store: Store, options: DeliveryHarnessOptions = {}): Promise<DeliveryHarness> {
    const clock = options.clock ?? new FakeClock(Date.now());
    await store.workspaces.ensureDefault(clock.now());
    return new DeliveryHarness(store, clock, await TestReceiver.start(), options.worker, options.connect);
  }

  /** A new worker instance over the same store (what a restart makes); `connect` replaces the webhook sender. */
  newWorker(connect?: DeliveryWorkerOptions['connect']): DeliveryWorker {
    this.worker = new DeliveryWorker({
      store: this.store,
      changeLog: this.changeLog,
      segments: this.segments,
      clock: this.clock,
      connect: connect ?? ((d) => connectDestination(d, { guard: this.guard, clock: this.clock, limits: { connectTimeoutMs: 2_000, totalTimeoutMs: 10_000 }, ...this.connectOptions })),
      random: () => 0.5,
      ...this.workerOptions,
    });
    return this.worker;
  }

  /** Registers a destination pointing at the receiver (path `/hook`). */
  async destination(input: Partial<DestinationInput> = {}): Promise<{ id: string; secret: string }> {
    const created = await this.service.create(this.workspaceId, {
      name: 'test hook',
      url: `${this.receiver.origin}/hook`,
      segments: 'all',
      ...input,
    });
    if (!created.ok) throw new Error(`cannot create destination: ${JSON.stringify(created.error)}`);
    return { id: created.value.destination.id, secret: created.value.secret ?? '' };
  }

  /** A profile with optional email trait, user id and subscription. */
  async profile(p: { email?: string; userId?: string; subscription?: Partial<Subscription> } = {}): Promise<string> {
    const id = newId('prof');
    const now = this.clock.now();
    await this.store.profiles.create(this.workspaceId, id, now);
    if (p.email !== undefined) await this.store.profiles.mergeTraits(this.workspaceId, id, { email: p.email }, now);
    if (p.userId !== undefined) await this.store.profiles.addIdentity(this.workspaceId, id, 'user_id', p.userId, now);
    if (p.subscription) await this.setSubscription(id, p.subscription);
    return id;
  }

  async setSubscription(profileId: string, s: Partial<Subscription>): Promise<void> {
    await this.store.profiles.setSubscription(
      this.workspaceId,
      profileId,
      { state: 'unknown', changedAt: this.clock.now(), reason: 'test', consent: {}, ...s },
      this.clock.now(),
    );
  }

  /** Sets traits on a profile (e.g. `first_name`, to map to ESP fields). */
  async traits(profileId: string, traits: Record<string, unknown>): Promise<void> {
    await this.store.profiles.mergeTraits(this.workspaceId, profileId, traits, this.clock.now());
  }

  /** Records membership changes through the engine's writer; returns the last seq. */
  async change(...changes: { segmentId: string; profileId: string; kind: 'entered' | 'exited' }[]): Promise<number> {
    const now = this.clock.now();
    const seq = await new MembershipRepoSql(this.store.sql).record(
      changes.map((c) => ({ workspaceId: this.workspaceId, segmentVersion: 1, at: now, cause: { kind: 'timer' as const }, ...c })),
      now,
    );
    this.changeLog.notifyAppended(seq);
    return seq;
  }

  async close(): Promise<void> {
    await this.worker.stop();
    await this.receiver.close();
  }
}
