import type { Clock, JsonObject, Result } from '../core/index.js';
import { err, ok, PeriodicTask } from '../core/index.js';
import type { IngestMeta, IngestResult } from '../ingest/index.js';
import { checkPlanSchema, type SchemaProblem } from './check-plan-schema.js';
import type { PlanMode, PlanSchemaKind, TrackingPlan, ViolationCount } from './plan-types.js';
import type { QuarantineRow, TrackingPlanRepoSql } from './tracking-plan-repo-sql.js';
import type { TrackingPlanScreen } from './tracking-plan-screen.js';

/** What a replay of the quarantine did. */
export interface ReplayReport {
  /** Messages taken out of the quarantine: stored now (or already stored). */
  readonly replayed: number;
  /** Messages the plan still blocks: they stay in the quarantine. */
  readonly stillBlocked: number;
  /** Messages ingestion refused outright (they stay in the quarantine, with the reason here). */
  readonly failed: readonly { readonly messageId: string; readonly reason: string }[];
}

/** Options of {@link TrackingPlanService}. */
export interface TrackingPlanServiceOptions {
  /** Interval of the background flush of violation counters (default 250 ms). */
  readonly flushMs?: number;
  /** Reports a failed background flush (it is retried at the next interval). */
  readonly onError?: (error: unknown) => void;
}

/** Ingestion as a replay uses it. */
export type ReplayIngest = (workspaceId: string, messages: readonly unknown[], meta: IngestMeta) => Promise<IngestResult>;

/**
 * Tracking plans for the admin API and `segflow apply`: schemas per event (and for identify traits) with their
 * modes, the mode for unplanned events, violation counters, and the quarantine with its replay. Every change
 * bumps the plan's version and takes effect on this process's ingestion at once.
 */
export class TrackingPlanService {
  private readonly flusher: PeriodicTask;

  constructor(
    private readonly repo: TrackingPlanRepoSql,
    private readonly screen: TrackingPlanScreen,
    private readonly ingest: ReplayIngest,
    private readonly clock: Clock,
    options: TrackingPlanServiceOptions = {},
  ) {
    // On the injected clock like every other background task (it was a bare setInterval): tests on a fake clock
    // flush by advancing it, and reads flush first anyway.
    this.flusher = new PeriodicTask(
      clock,
      options.flushMs ?? 250,
      () => (screen.counter.dirty ? screen.counter.flush() : undefined),
      (e) => options.onError?.(e),
    );
  }

  /** Starts the background flush of violation counters. */
  start(): void {
    this.flusher.start();
  }

  /** Stops the background flush and writes what is left. */
  async stop(): Promise<void> {
    await this.flusher.stop();
    await this.screen.counter.flush();
  }

  /** The workspace's plan. */
  plan(workspaceId: string): Promise<TrackingPlan> {
    return this.repo.plan(workspaceId);
  }

  /**
   * Creates or replaces the schema of a track event (`kind` `track`, `event` its name) or of identify traits
   * (`kind` `identify`, `event` ''). A schema that is not valid JSON Schema is refused with the path of the
   * problem in it, and nothing changes.
   */
  async putSchema(workspaceId: string, kind: PlanSchemaKind, event: string, input: { readonly mode: PlanMode; readonly schema: unknown }): Promise<Result<{ readonly created: boolean }, SchemaProblem>> {
    const checked = checkPlanSchema(input.schema);
    if (!checked.ok) return err(checked.error);
    const existed = await this.repo.putSchema(workspaceId, { kind, event, mode: input.mode, schema: checked.value as JsonObject }, this.clock.now());
    this.screen.invalidate(workspaceId);
    return ok({ created: !existed });
  }

  /** Deletes one schema; false when there was none. */
  async deleteSchema(workspaceId: string, kind: PlanSchemaKind, event: string): Promise<boolean> {
    const deleted = await this.repo.deleteSchema(workspaceId, kind, event, this.clock.now());
    this.screen.invalidate(workspaceId);
    return deleted;
  }

  /** Sets the mode for track events the plan does not name. */
  async setUnplanned(workspaceId: string, mode: PlanMode): Promise<void> {
    await this.repo.setUnplanned(workspaceId, mode, this.clock.now());
    this.screen.invalidate(workspaceId);
  }

  /** Violation counters, most recent first (what this process counted so far is written first). */
  async violations(workspaceId: string, filter: { readonly event?: string; readonly limit: number }): Promise<ViolationCount[]> {
    await this.screen.counter.flush();
    return this.repo.violations(workspaceId, filter);
  }

  /** Violations counted in `[from, to)`, at minute resolution. */
  async violationsBetween(workspaceId: string, from: number, to: number): Promise<number> {
    await this.screen.counter.flush();
    return this.repo.violationsBetween(workspaceId, from, to);
  }

  /** A page of the quarantine (by message id) and its size. */
  async quarantined(workspaceId: string, filter: { readonly event?: string; readonly limit: number; readonly after?: string }): Promise<{ items: QuarantineRow[]; total: number }> {
    return { items: await this.repo.quarantined(workspaceId, filter), total: await this.repo.quarantineSize(workspaceId) };
  }

  /**
   * Ingests quarantined messages again, exactly as first received (same body, same receipt time, same batch
   * context), through the whole pipeline and the current plan: those now accepted (or found already stored)
   * leave the quarantine; those the plan still blocks stay (their row is refreshed with the new violations);
   * those ingestion refuses stay, reported. At most `limit` messages per call, oldest id first.
   */
  async replay(workspaceId: string, filter: { readonly event?: string; readonly limit: number }): Promise<ReplayReport> {
    const rows = await this.repo.quarantined(workspaceId, filter);
    let replayed = 0;
    let stillBlocked = 0;
    const failed: { messageId: string; reason: string }[] = [];
    const released: string[] = [];
    for (const row of rows) {
      const meta = row.meta as { receivedAt: number; sentAt: number | null; context?: JsonObject; type?: IngestMeta['type'] };
      const result = await this.ingest(workspaceId, [row.message], {
        receivedAt: meta.receivedAt,
        sentAt: meta.sentAt,
        ...(meta.context ? { context: meta.context } : {}),
        ...(meta.type ? { type: meta.type } : {}),
        source: 'tracking-plan:replay',
        fieldOf: () => '',
      });
      const r = result.results[0];
      if (r?.outcome === 'accepted' || r?.outcome === 'duplicate') {
        replayed++;
        released.push(row.messageId);
      } else if (r?.outcome === 'quarantined') {
        stillBlocked++;
      } else {
        failed.push({ messageId: row.messageId, reason: r?.outcome === 'rejected' ? `${r.problem.code}: ${r.problem.detail}` : 'no result' });
      }
    }
    await this.repo.release(workspaceId, released);
    return { replayed, stillBlocked, failed };
  }
}
