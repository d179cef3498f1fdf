import type { JsonObject } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';
import { fromJson, toJson } from '../store/index.js';
import type { PlanMode, PlanSchema, PlanSchemaKind, QuarantinedMessage, TrackingPlan, Violation, ViolationCount, ViolationKind, ViolationSample } from './plan-types.js';

/** Samples kept per violation counter (the most recent). */
export const MAX_SAMPLES = 5;

/** One pending increment of a violation counter (what {@link TrackingPlanRepoSql.addViolations} folds in). */
export interface ViolationDelta {
  readonly workspaceId: string;
  readonly messageType: PlanSchemaKind;
  readonly event: string;
  readonly kind: ViolationKind;
  readonly field: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  samples: ViolationSample[];
}

/** A message to put in the quarantine, with what is needed to ingest it again exactly as first sent. */
export interface QuarantineEntry {
  readonly workspaceId: string;
  readonly messageId: string;
  readonly messageType: PlanSchemaKind;
  readonly event: string;
  readonly message: unknown;
  /** `receivedAt`, `sentAt` and batch `context` of the original request. */
  readonly meta: JsonObject;
  readonly violations: readonly Violation[];
  readonly at: number;
}

/** A quarantined message with its original request metadata (for replay). */
export interface QuarantineRow extends QuarantinedMessage {
  readonly meta: JsonObject;
}

type ViolationRow = {
  message_type: PlanSchemaKind;
  event: string;
  kind: ViolationKind;
  field: string;
  count: number;
  first_seen: number;
  last_seen: number;
  samples: string;
};

const violationOf = (r: ViolationRow): ViolationCount => ({
  messageType: r.message_type,
  event: r.event,
  kind: r.kind,
  field: r.field,
  count: Number(r.count),
  firstSeen: Number(r.first_seen),
  lastSeen: Number(r.last_seen),
  samples: fromJson(r.samples) as ViolationSample[],
});

/** Tracking plans, violation counters and the quarantine, on SQLite or PostgreSQL (migration 0810). */
export class TrackingPlanRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** The plan's version, or 0 when the workspace has never had a plan. */
  async version(workspaceId: string): Promise<number> {
    const rows = await this.sql.query<{ version: number }>('SELECT version FROM tracking_plans WHERE workspace_id = $1', [workspaceId]);
    return rows.length === 0 ? 0 : Number(rows[0]!.version);
  }

  /** The workspace's plan (an empty `allow` plan at version 0 when it has none). */
  async plan(workspaceId: string): Promise<TrackingPlan> {
    const head = await this.sql.query<{ unplanned_mode: PlanMode; version: number }>(
      'SELECT unplanned_mode, version FROM tracking_plans WHERE workspace_id = $1',
      [workspaceId],
    );
    const rows = await this.sql.query<{ kind: PlanSchemaKind; event: string; mode: PlanMode; schema: string; updated_at: number }>(
      'SELECT kind, event, mode, schema, updated_at FROM tracking_plan_schemas WHERE workspace_id = $1 ORDER BY kind, event',
      [workspaceId],
    );
    return {
      unplanned: head[0]?.unplanned_mode ?? 'allow',
      version: head.length === 0 ? 0 : Number(head[0]!.version),
      schemas: rows.map((r) => ({ kind: r.kind, event: r.event, mode: r.mode, schema: fromJson(r.schema) as JsonObject, updatedAt: Number(r.updated_at) })),
    };
  }

  private async bump(tx: SqlExecutor, workspaceId: string, now: number, unplanned?: PlanMode): Promise<void> {
    await tx.execute(
      `INSERT INTO tracking_plans (workspace_id, unplanned_mode, version, updated_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (workspace_id) DO UPDATE SET version = tracking_plans.version + 1, updated_at = excluded.updated_at,
         unplanned_mode = CASE WHEN $4 = 1 THEN excluded.unplanned_mode ELSE tracking_plans.unplanned_mode END`,
      [workspaceId, unplanned ?? 'allow', now, unplanned === undefined ? 0 : 1],
    );
  }

  /** Creates or replaces one schema; true when it existed. */
  async putSchema(workspaceId: string, s: Omit<PlanSchema, 'updatedAt'>, now: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const existed = (await tx.query('SELECT 1 AS x FROM tracking_plan_schemas WHERE workspace_id = $1 AND kind = $2 AND event = $3', [workspaceId, s.kind, s.event])).length > 0;
      await tx.execute(
        `INSERT INTO tracking_plan_schemas (workspace_id, kind, event, mode, schema, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id, kind, event) DO UPDATE SET mode = excluded.mode, schema = excluded.schema, updated_at = excluded.updated_at`,
        [workspaceId, s.kind, s.event, s.mode, toJson(s.schema), now],
      );
      await this.bump(tx, workspaceId, now);
      return existed;
    });
  }

  /** Deletes one schema; false when there was none. */
  async deleteSchema(workspaceId: string, kind: PlanSchemaKind, event: string, now: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const n = await tx.execute('DELETE FROM tracking_plan_schemas WHERE workspace_id = $1 AND kind = $2 AND event = $3', [workspaceId, kind, event]);
      if (n > 0) await this.bump(tx, workspaceId, now);
      return n > 0;
    });
  }

  /** Sets how events the plan does not name are treated. */
  async setUnplanned(workspaceId: string, mode: PlanMode, now: number): Promise<void> {
    await this.sql.transaction((tx) => this.bump(tx, workspaceId, now, mode));
  }

  /**
   * Folds counter increments in, in one transaction: counts add up, first/last seen widen, and the samples are
   * the {@link MAX_SAMPLES} most recent of the stored ones and the new ones (a read-merge-write per counter; the
   * deltas of one flush are few, one per distinct counter, however many messages they cover).
   */
  async addViolations(deltas: readonly ViolationDelta[], minutes: ReadonlyMap<string, { workspaceId: string; minute: number; count: number }>): Promise<void> {
    if (deltas.length === 0 && minutes.size === 0) return;
    await this.sql.transaction(async (tx) => {
      for (const d of deltas) {
        const key = [d.workspaceId, d.messageType, d.event, d.kind, d.field];
        const found = await tx.query<{ samples: string }>(
          'SELECT samples FROM tracking_plan_violations WHERE workspace_id = $1 AND message_type = $2 AND event = $3 AND kind = $4 AND field = $5',
          key,
        );
        const old = found.length === 0 ? [] : (fromJson(found[0]!.samples) as ViolationSample[]);
        const samples = [...old, ...d.samples].sort((a, b) => a.at - b.at).slice(-MAX_SAMPLES);
        await tx.execute(
          `INSERT INTO tracking_plan_violations (workspace_id, message_type, event, kind, field, count, first_seen, last_seen, samples)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (workspace_id, message_type, event, kind, field) DO UPDATE SET
             count = tracking_plan_violations.count + excluded.count,
             first_seen = CASE WHEN excluded.first_seen < tracking_plan_violations.first_seen THEN excluded.first_seen ELSE tracking_plan_violations.first_seen END,
             last_seen = CASE WHEN excluded.last_seen > tracking_plan_violations.last_seen THEN excluded.last_seen ELSE tracking_plan_violations.last_seen END,
             samples = excluded.samples`,
          [...key, d.count, d.firstSeen, d.lastSeen, toJson(samples)],
        );
      }
      for (const m of minutes.values()) {
        await tx.execute(
          `INSERT INTO tracking_plan_violation_minutes (workspace_id, minute_start, count) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, minute_start) DO UPDATE SET count = tracking_plan_violation_minutes.count + excluded.count`,
          [m.workspaceId, m.minute, m.count],
        );
      }
    });
  }

  /** The workspace's violation counters, most recent first, optionally for one event. */
  async violations(workspaceId: string, filter: { readonly event?: string; readonly limit: number }): Promise<ViolationCount[]> {
    const rows = await this.sql.query<ViolationRow>(
      `SELECT message_type, event, kind, field, count, first_seen, last_seen, samples FROM tracking_plan_violations
       WHERE workspace_id = $1 AND (CAST($2 AS TEXT) IS NULL OR event = $2) ORDER BY last_seen DESC, event, kind, field LIMIT $3`,
      [workspaceId, filter.event ?? null, filter.limit],
    );
    return rows.map(violationOf);
  }

  /** Violations counted in `[from, to)` (minute resolution), for the spike alert. */
  async violationsBetween(workspaceId: string, from: number, to: number): Promise<number> {
    const rows = await this.sql.query<{ n: number | null }>(
      'SELECT SUM(count) AS n FROM tracking_plan_violation_minutes WHERE workspace_id = $1 AND minute_start >= $2 AND minute_start < $3',
      [workspaceId, from, to],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Drops per-minute counts older than `before` (the counters themselves are kept). */
  async pruneMinutes(before: number): Promise<number> {
    return this.sql.execute('DELETE FROM tracking_plan_violation_minutes WHERE minute_start < $1', [before]);
  }

  /**
   * Puts blocked messages in the quarantine in one transaction (durable before the client is answered). A
   * message quarantined again (a client retry, or a replay still refused) keeps one row, with the latest
   * violations.
   */
  async quarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.sql.transaction(async (tx) => {
      for (const e of entries) {
        await tx.execute(
          `INSERT INTO tracking_plan_quarantine (workspace_id, message_id, message_type, event, message, meta, violations, quarantined_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (workspace_id, message_id) DO UPDATE SET message = excluded.message, meta = excluded.meta,
             violations = excluded.violations, quarantined_at = excluded.quarantined_at`,
          [e.workspaceId, e.messageId, e.messageType, e.event, toJson(e.message), toJson(e.meta), toJson(e.violations), e.at],
        );
      }
    });
  }

  /** Quarantined messages, oldest first, after `afterId` (paging), optionally of one event. */
  async quarantined(workspaceId: string, filter: { readonly event?: string; readonly limit: number; readonly after?: string }): Promise<QuarantineRow[]> {
    const rows = await this.sql.query<{ message_id: string; message_type: PlanSchemaKind; event: string; message: string; meta: string; violations: string; quarantined_at: number }>(
      `SELECT message_id, message_type, event, message, meta, violations, quarantined_at FROM tracking_plan_quarantine
       WHERE workspace_id = $1 AND (CAST($2 AS TEXT) IS NULL OR event = $2) AND message_id > $3
       ORDER BY message_id LIMIT $4`,
      [workspaceId, filter.event ?? null, filter.after ?? '', filter.limit],
    );
    return rows.map((r) => ({
      messageId: r.message_id,
      messageType: r.message_type,
      event: r.event,
      message: fromJson(r.message),
      meta: fromJson(r.meta) as JsonObject,
      violations: fromJson(r.violations) as Violation[],
      quarantinedAt: Number(r.quarantined_at),
    }));
  }

  /** Messages in the quarantine of a workspace. */
  async quarantineSize(workspaceId: string): Promise<number> {
    const rows = await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM tracking_plan_quarantine WHERE workspace_id = $1', [workspaceId]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Removes replayed messages from the quarantine. */
  async release(workspaceId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.sql.transaction(async (tx) => {
      for (const id of messageIds) await tx.execute('DELETE FROM tracking_plan_quarantine WHERE workspace_id = $1 AND message_id = $2', [workspaceId, id]);
    });
  }
}
