import { FakeClock } from '../../core/index.js';
import type { EventType, MembershipChange, Segment } from '../../core/index.js';
import { MembershipRepoSql, SqlChangeLog } from '../../membership/index.js';
import { parseRule, toRuleJson, printRule } from '../../rules/index.js';
import type { Condition } from '../../rules/index.js';
import type { Store } from '../../store/index.js';
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
  readonly changeLog: SqlChangeLog;
  private messages = 0;

  constructor(
    readonly store: Store,
    readonly clock: FakeClock,
    private readonly options: Partial<EngineOptions> = {},
  ) {
    this.changeLog = new SqlChangeLog(store.sql);
    this.engine = this.newEngine();
  }

  private newEngine(): Engine {
    return new Engine({ store: this.store, clock: this.clock, changeLog: this.changeLog, tailIntervalMs: 0, ...this.options });
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
    await this.engine.exclusive(() => this.engine.loadRules());
    return segment;
  }

  /** Starts the engine. */
  async start(): Promise<void> {
    await this.engine.start();
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
    this.engine.wake();
    await this.engine.idle();
  }

  /** Moves the fake clock forward and lets every due timer fire. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    this.engine.wake();
    await this.engine.idle();
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
    await this.engine.stop();
    this.engine = this.newEngine();
    await this.engine.start();
  }
}
