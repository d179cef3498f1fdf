import { FakeClock } from '../../core/index.js';
import type { EventType, MembershipChange, Segment } from '../../core/index.js';
import { MembershipRepoSql, SqlChangeLog } from '../../membership/index.js';
import { parseRule, toRuleJson, printRule } from '../../rules/index.js';
import type { Condition } from '../../rules/index.js';
import type { Store } from '../../store/index.js';
import type { SegmentEngine } from '../engine-segment-service.js';
import { Engine } from '../engine.js';
import type { EngineOptions } from '../engine.js';
import { SegmentRepoSql } from '../segment-repo-sql.js';

/** The workspace scenario tests use. */
export const TEST_WORKSPACE = 'ws_test';

/** What {@link EngineHarness.submit} takes besides profile and name. */
export interface SubmitOptions {
  readonly properties?: Record<string, unknown>;
  readonly traits?: Record<string, unknown>;
  readonly context?: Record<string, unknown>;
  readonly type?: EventType;
  /** Event time (default: the clock's now). */
  readonly time?: number;
  readonly messageId?: string;
  readonly userId?: string | null;
  readonly anonymousId?: string | null;
}

/**
 * Scenario-table helpers for engine tests on a fake clock: `segment`, `submit`, `advance`, `members`,
 * `changes`, `restart`. Segments are written straight to the segment table (no backfill) before events arrive.
 */
export class EngineHarness {
  engine: Engine;
  /**
   * Every engine the harness runs: the one {@link engine}, or with `split` one engine per partition of the log
   * (`engine` is then partition 0's), as the processes of a cluster run them.
   */
  engines: Engine[];
  readonly changeLog: SqlChangeLog;
  private messages = 0;

  constructor(
    readonly store: Store,
    readonly clock: FakeClock,
    private readonly options: Partial<EngineOptions> = {},
    /** Run one engine per partition of this many (the store must have that many partitions). */
    private readonly split?: number,
  ) {
    this.changeLog = new SqlChangeLog(store.sql);
    this.engines = this.newEngines();
    this.engine = this.engines[0] as Engine;
  }

  private newEngines(): Engine[] {
    const base = { store: this.store, clock: this.clock, changeLog: this.changeLog, tailIntervalMs: 0, ...this.options };
    if (this.split === undefined) return [new Engine(base)];
    const count = this.split;
    return Array.from({ length: count }, (_, index) => new Engine({ ...base, partition: { index, count } }));
  }

  /** Wakes every engine. */
  wake(): void {
    for (const e of this.engines) e.wake();
  }

  /** Resolves once every engine is idle. */
  async idle(): Promise<void> {
    for (const e of this.engines) await e.idle();
  }

  /** Stops every engine. */
  async stop(): Promise<void> {
    for (const e of this.engines) await e.stop();
  }

  /**
   * What a segment service drives here: the engine itself, or with `split` a front over every partition's
   * engine as a cluster process presents them (a standby whose saves start one checkpoint per partition, and
   * whose waits last until every partition's engine has finished its part).
   */
  segmentEngine(): SegmentEngine {
    if (this.split === undefined) return this.engine;
    let queue: Promise<unknown> = Promise.resolve();
    const engines = (): Engine[] => this.engines;
    return {
      exclusive: <T>(fn: () => Promise<T>): Promise<T> => {
        const run = queue.catch(() => undefined).then(fn);
        queue = run;
        return run;
      },
      now: () => this.clock.now(),
      position: Number.MAX_SAFE_INTEGER,
      role: 'standby',
      loadRules: async () => this.wake(),
      wake: () => this.wake(),
      backfillSettled: async (workspaceId: string) => {
        for (const e of engines()) {
          await e.exclusive(async () => undefined);
          await e.backfillSettled(workspaceId);
        }
      },
      backfillByPartition: true,
    };
  }

  /** Saves a segment (rule text or condition) and reloads the engine's rules. */
  async segment(name: string, rule: string | Condition, extra: { group?: string; priority?: number; id?: string } = {}): Promise<Segment> {
    const condition = typeof rule === 'string' ? parseRule(rule) : rule;
    const now = this.clock.now();
    const segment: Segment = {
      id: extra.id ?? `seg_${name}`,
      workspaceId: TEST_WORKSPACE,
      name,
      description: '',
      version: 1,
      ruleText: printRule(condition),
      ruleJson: toRuleJson(condition),
      group: extra.group ?? null,
      priority: extra.priority ?? 0,
      createdAt: now,
      updatedAt: now,
    };
    await new SegmentRepoSql(this.store.sql).save(segment);
    for (const e of this.engines) await e.exclusive(() => e.loadRules());
    return segment;
  }

  /** Starts the engine (every engine, when split). */
  async start(): Promise<void> {
    for (const e of this.engines) await e.start();
  }

  /** Appends one event (a `track` by default) and lets the engine process it. */
  async submit(profileId: string, name: string | null, options: SubmitOptions = {}): Promise<void> {
    const now = this.clock.now();
    await this.store.events.append([
      {
        workspaceId: TEST_WORKSPACE,
        messageId: options.messageId ?? `m${++this.messages}`,
        profileId,
        type: options.type ?? 'track',
        name,
        userId: options.userId ?? null,
        anonymousId: options.anonymousId ?? profileId,
        timestamp: options.time ?? now,
        receivedAt: now,
        properties: options.properties ?? {},
        traits: options.traits ?? {},
        context: options.context ?? {},
      },
    ]);
    this.wake();
    await this.idle();
  }

  /** Moves the fake clock forward and lets every due timer fire. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    this.wake();
    await this.idle();
  }

  /** Current members of a segment (profile ids, sorted). */
  async members(segmentName: string): Promise<string[]> {
    const repo = new MembershipRepoSql(this.store.sql);
    const members = await repo.members(`seg_${segmentName}`, null, 1_000_000);
    return members.map((m) => m.profileId).sort();
  }

  /** The whole change log, compactly: `entered p1 seg@at(cause)` lines are easy to compare in tables. */
  async changes(): Promise<MembershipChange[]> {
    return this.changeLog.read(0, 1_000_000);
  }

  /** Stops the engine and starts a fresh instance over the same store (a restart). */
  async restart(): Promise<void> {
    await this.stop();
    this.engines = this.newEngines();
    this.engine = this.engines[0] as Engine;
    await this.start();
  }
}
