import { processedUpTo } from '../store/index.js';
import type { SqlExecutor } from '../store/index.js';
import type { AlertRule } from './alert-rule.js';
import { BUCKET_MS } from './size-buckets.js';
import type { SizeHistory } from './size-history.js';
import { WorkspaceActivitySql } from './workspace-activity-sql.js';

const HOUR = BUCKET_MS.hour;
const MINUTE = 60_000;

/** One measurement: the value compared with the threshold, and a sentence for the notice. */
export interface Measurement {
  readonly value: number;
  readonly text: string;
}

/** Tracking-plan violations counted in `[from, to)` (the tracking plan's service provides it). */
export type ViolationsBetween = (workspaceId: string, from: number, to: number) => Promise<number>;

const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * Measures what alert rules watch, from tables other parts keep: the size history (segment sizes, last change),
 * the workspace's last event (`WorkspaceActivitySql`), the event log (oldest event the engine has not reached), the delivery outbox and its attempts
 * (failure rate, dead letters) and the tracking plan's per-minute violation counts. Each answer is undefined
 * when there is nothing to compare yet (a segment with less than an hour of history has no baseline).
 */
export class AlertMeasuresSql {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly sizes: SizeHistory,
    private readonly violations?: ViolationsBetween,
    private readonly engineCursor = 'engine',
  ) {}

  /** The rule's current value at `now`. */
  async measure(rule: AlertRule, segmentName: string, now: number): Promise<Measurement | undefined> {
    const ws = rule.workspaceId;
    switch (rule.kind) {
      case 'segment_size_change':
        return this.sizeChange(rule, segmentName, now);
      case 'segment_stale': {
        const last = (await this.sizes.lastChanges(ws)).get(rule.segmentId!) ?? rule.createdAt;
        const minutes = (now - last) / MINUTE;
        return { value: minutes, text: `segment "${segmentName}" has had no entry or exit for ${Math.floor(minutes)} minutes` };
      }
      case 'no_events': {
        const received = await new WorkspaceActivitySql(this.sql).lastReceivedAt(ws);
        const last = received === undefined ? rule.createdAt : Math.max(received, rule.createdAt);
        const minutes = (now - last) / MINUTE;
        return { value: minutes, text: `no event received for ${Math.floor(minutes)} minutes` };
      }
      case 'change_lag': {
        // Every partition's position (one engine over the whole log, or one per partition in a cluster).
        const oldest = (await processedUpTo(this.sql, this.engineCursor)).oldestWaitingReceivedAt;
        const seconds = oldest === null ? 0 : Math.max(0, (now - oldest) / 1000);
        return { value: seconds, text: `the oldest event not yet evaluated has waited ${round(seconds)} s` };
      }
      case 'delivery_failure_rate': {
        const window = (rule.params.windowMinutes ?? 15) * MINUTE;
        const rows = await this.sql.query<{ outcome: string; n: number }>(
          `SELECT a.outcome AS outcome, COUNT(*) AS n FROM destination_attempts a
           JOIN destination_deliveries d ON d.id = a.delivery_id
           WHERE d.workspace_id = $1 AND a.started_at > $2 AND a.started_at <= $3 GROUP BY a.outcome`,
          [ws, now - window, now],
        );
        const total = rows.reduce((s, r) => s + Number(r.n), 0);
        if (total < (rule.params.minAttempts ?? 10)) return undefined;
        const failed = rows.filter((r) => r.outcome !== 'delivered').reduce((s, r) => s + Number(r.n), 0);
        const percent = (100 * failed) / total;
        return { value: percent, text: `${round(percent)}% of ${total} delivery attempts failed in the last ${rule.params.windowMinutes ?? 15} minutes` };
      }
      case 'dead_letters': {
        const rows = await this.sql.query<{ n: number }>(
          "SELECT COUNT(*) AS n FROM destination_deliveries WHERE workspace_id = $1 AND status = 'dead'",
          [ws],
        );
        const n = Number(rows[0]?.n ?? 0);
        return { value: n, text: `${n} dead deliveries (given up after every retry)` };
      }
      case 'tracking_plan_violations': {
        if (!this.violations) return undefined;
        const minutes = rule.params.windowMinutes ?? 5;
        const n = await this.violations(ws, now - minutes * MINUTE, now + MINUTE);
        return { value: n, text: `${n} tracking-plan violations in the last ${minutes} minutes` };
      }
    }
  }

  /**
   * Size against the trailing baseline: the mean of the segment's hourly sizes over the last `baselineHours`
   * full hours, counting only hours since its history began (hours before it existed are not zeros). Less
   * than one full hour of history: no baseline yet. A baseline of 0 with members now is reported as the
   * absolute count, not an infinite percentage.
   */
  private async sizeChange(rule: AlertRule, segmentName: string, now: number): Promise<Measurement | undefined> {
    const segmentId = rule.segmentId!;
    const first = await this.sql.query<{ t: number | null }>(
      "SELECT MIN(bucket_start) AS t FROM segment_size_buckets WHERE segment_id = $1 AND resolution = 'hour'",
      [segmentId],
    );
    const firstBucket = first[0]?.t === null || first[0]?.t === undefined ? undefined : Number(first[0].t);
    const currentHour = Math.floor(now / HOUR) * HOUR;
    if (firstBucket === undefined || firstBucket >= currentHour) return undefined;
    const from = Math.max(firstBucket, currentHour - (rule.params.baselineHours ?? 24) * HOUR);
    const points = await this.sizes.series(rule.workspaceId, segmentId, 'hour', from, currentHour - HOUR);
    if (points.length === 0) return undefined;
    const baseline = points.reduce((s, p) => s + p.size, 0) / points.length;
    const rows = await this.sql.query<{ size: number }>('SELECT size FROM segment_size_current WHERE segment_id = $1', [segmentId]);
    const size = Number(rows[0]?.size ?? 0);
    if (baseline === 0) return size === 0 ? { value: 0, text: `segment "${segmentName}" is empty, as before` } : undefined;
    const change = (100 * (size - baseline)) / baseline;
    const direction = change < 0 ? 'fell' : 'rose';
    return {
      value: Math.abs(change),
      text: `segment "${segmentName}" ${direction} ${round(Math.abs(change))}% to ${size} members against its ${points.length}-hour average of ${round(baseline)}`,
    };
  }
}
