import type { Row, SqlExecutor } from '../store/index.js';
import type { MembershipWebhookPayload } from './destination.js';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from './delivery-record.js';

interface DeliveryRow extends Row {
  id: string;
  destination_id: string;
  workspace_id: string;
  seq: unknown;
  sub: unknown;
  profile_id: string;
  segment_id: string;
  kind: string;
  payload: string;
  status: string;
  attempts: unknown;
  total_attempts: unknown;
  next_attempt_at: unknown;
  window_start: unknown;
  created_at: unknown;
  updated_at: unknown;
  delivered_at: unknown;
  last_status: unknown;
  last_error: string | null;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function fromRow(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    destinationId: r.destination_id,
    workspaceId: r.workspace_id,
    seq: Number(r.seq),
    sub: Number(r.sub),
    profileId: r.profile_id,
    segmentId: r.segment_id,
    kind: r.kind === 'exited' ? 'exited' : 'entered',
    payload: JSON.parse(r.payload) as MembershipWebhookPayload,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    totalAttempts: Number(r.total_attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    windowStart: Number(r.window_start),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: numOrNull(r.delivered_at),
    lastStatus: numOrNull(r.last_status),
    lastError: r.last_error,
  };
}

/** A new delivery row: the identity and message of a {@link DeliveryRecord}, before any attempt. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'id' | 'destinationId' | 'workspaceId' | 'seq' | 'sub' | 'profileId' | 'segmentId' | 'kind' | 'payload'
>;

/** How an attempt ended, to record. */
export interface AttemptResult {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: number | null;
  readonly error: string | null;
  /** The delivery's next state: delivered, retry at `nextAttemptAt`, or dead. */
  readonly next: { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'dead' };
}

/** Deliveries and their attempts, written once for both SQL dialects. */
export class DeliveryRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Inserts a pending delivery, due now; a row that already exists (same destination, seq, sub) is kept. */
  async insert(d: NewDelivery, now: number): Promise<void> {
    await this.sql.execute(
      `INSERT INTO destination_deliveries (id, destination_id, workspace_id, seq, sub, profile_id, segment_id, kind, payload,
         status, attempts, total_attempts, next_attempt_at, window_start, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, 0, $10, $10, $10, $10)
       ON CONFLICT (destination_id, seq, sub) DO NOTHING`,
      [d.id, d.destinationId, d.workspaceId, d.seq, d.sub, d.profileId, d.segmentId, d.kind, JSON.stringify(d.payload), now],
    );
  }

  /**
   * Pending deliveries due at `now` that are the oldest pending delivery of their profile: a profile's later
   * message waits until its earlier one is delivered or dead-lettered. At most one per profile, so a batch
   * can be sent concurrently without breaking per-profile order.
   */
  async dueHeads(destinationId: string, now: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.sql.query<DeliveryRow>(
      `SELECT d.* FROM destination_deliveries d
       WHERE d.destination_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2
         AND NOT EXISTS (
           SELECT 1 FROM destination_deliveries e
           WHERE e.destination_id = d.destination_id AND e.profile_id = d.profile_id AND e.status = 'pending'
             AND (e.seq < d.seq OR (e.seq = d.seq AND e.sub < d.sub)))
       ORDER BY d.seq, d.sub
       LIMIT $3`,
      [destinationId, now, limit],
    );
    return rows.map(fromRow);
  }

  /**
   * When the worker should wake for this destination: the earliest `next_attempt_at` among pending deliveries
   * that head their profile's queue (a later message of a blocked profile is not due, whatever its time).
   */
  async nextDue(destinationId: string): Promise<number | undefined> {
    const rows = await this.sql.query<{ at: unknown }>(
      `SELECT MIN(d.next_attempt_at) AS at FROM destination_deliveries d
       WHERE d.destination_id = $1 AND d.status = 'pending'
         AND NOT EXISTS (
           SELECT 1 FROM destination_deliveries e
           WHERE e.destination_id = d.destination_id AND e.profile_id = d.profile_id AND e.status = 'pending'
             AND (e.seq < d.seq OR (e.seq = d.seq AND e.sub < d.sub)))`,
      [destinationId],
    );
    return numOrNull(rows[0]?.at) ?? undefined;
  }

  /**
   * Records one attempt and moves the delivery to its next state. Guarded by the attempt count the sender
   * saw: if the row moved on meanwhile (replayed, or handled by another worker), nothing is written and false
   * comes back.
   */
  async recordAttempt(delivery: DeliveryRecord, result: AttemptResult): Promise<boolean> {
    const n = delivery.totalAttempts + 1;
    const status: DeliveryStatus = result.next.kind === 'retry' ? 'pending' : result.next.kind;
    const now = result.startedAt + result.durationMs;
    const changed = await this.sql.execute(
      `UPDATE destination_deliveries SET status = $2, attempts = attempts + 1, total_attempts = $3, next_attempt_at = $4,
         updated_at = $5, delivered_at = $6, last_status = $7, last_error = $8
       WHERE id = $1 AND total_attempts = $9 AND status = 'pending'`,
      [
        delivery.id,
        status,
        n,
        result.next.kind === 'retry' ? result.next.at : delivery.nextAttemptAt,
        now,
        result.next.kind === 'delivered' ? now : null,
        result.status,
        result.error,
        delivery.totalAttempts,
      ],
    );
    if (changed === 0) return false;
    const outcome = result.next.kind === 'retry' ? 'retry' : result.next.kind;
    await this.sql.execute(
      `INSERT INTO destination_attempts (delivery_id, n, started_at, duration_ms, status, outcome, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [delivery.id, n, result.startedAt, result.durationMs, result.status, outcome, result.error],
    );
    return true;
  }

  async get(destinationId: string, id: string): Promise<DeliveryRecord | undefined> {
    const rows = await this.sql.query<DeliveryRow>('SELECT * FROM destination_deliveries WHERE destination_id = $1 AND id = $2', [
      destinationId,
      id,
    ]);
    return rows[0] && fromRow(rows[0]);
  }

  /** Deliveries in (seq, sub) order after the delivery `after` (exclusive), optionally of one status. */
  async list(destinationId: string, options: { status?: DeliveryStatus; after?: string; limit: number }): Promise<DeliveryRecord[]> {
    const params: unknown[] = [destinationId];
    let where = 'destination_id = $1';
    if (options.status) {
      params.push(options.status);
      where += ` AND status = $${params.length}`;
    }
    if (options.after) {
      const anchor = await this.get(destinationId, options.after);
      if (anchor) {
        params.push(anchor.seq, anchor.sub);
        where += ` AND (seq > $${params.length - 1} OR (seq = $${params.length - 1} AND sub > $${params.length}))`;
      }
    }
    params.push(options.limit);
    const rows = await this.sql.query<DeliveryRow>(
      `SELECT * FROM destination_deliveries WHERE ${where} ORDER BY seq, sub LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  /** The attempts of the given deliveries, in order. */
  async attemptsOf(deliveryIds: readonly string[]): Promise<Map<string, AttemptRecord[]>> {
    const out = new Map<string, AttemptRecord[]>();
    if (deliveryIds.length === 0) return out;
    const placeholders = deliveryIds.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.sql.query<Row>(
      `SELECT * FROM destination_attempts WHERE delivery_id IN (${placeholders}) ORDER BY delivery_id, n`,
      deliveryIds,
    );
    for (const r of rows) {
      const a: AttemptRecord = {
        deliveryId: String(r.delivery_id),
        n: Number(r.n),
        startedAt: Number(r.started_at),
        durationMs: Number(r.duration_ms),
        status: numOrNull(r.status),
        outcome: r.outcome as AttemptRecord['outcome'],
        error: (r.error as string | null) ?? null,
      };
      const list = out.get(a.deliveryId) ?? [];
      list.push(a);
      out.set(a.deliveryId, list);
    }
    return out;
  }

  /**
   * Sends deliveries again (same webhook-id): back to pending, due now, with a fresh retry budget. `ids`
   * selects single deliveries; `range` every delivery whose change seq lies in [from, to]. Returns how many.
   */
  async replay(destinationId: string, select: { ids: readonly string[] } | { range: readonly [number, number] }, now: number): Promise<number> {
    const set = `status = 'pending', attempts = 0, next_attempt_at = $2, window_start = $2, updated_at = $2, delivered_at = NULL`;
    if ('ids' in select) {
      let n = 0;
      for (const id of select.ids) {
        n += await this.sql.execute(`UPDATE destination_deliveries SET ${set} WHERE destination_id = $1 AND id = $3`, [destinationId, now, id]);
      }
      return n;
    }
    return this.sql.execute(`UPDATE destination_deliveries SET ${set} WHERE destination_id = $1 AND seq >= $3 AND seq <= $4`, [
      destinationId,
      now,
      select.range[0],
      select.range[1],
    ]);
  }

  /** The first free `sub` of a change-log seq for a destination (synthetic messages — initial sync, resync — share a seq). */
  async nextSub(destinationId: string, seq: number): Promise<number> {
    const rows = await this.sql.query<{ s: unknown }>('SELECT MAX(sub) AS s FROM destination_deliveries WHERE destination_id = $1 AND seq = $2', [destinationId, seq]);
    const max = rows[0]?.s;
    return max === null || max === undefined ? 0 : Number(max) + 1;
  }

  /** Counts by status (for the API and metrics). */
  async counts(destinationId: string): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.sql.query<{ status: string; n: unknown }>(
      'SELECT status, COUNT(*) AS n FROM destination_deliveries WHERE destination_id = $1 GROUP BY status',
      [destinationId],
    );
    const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) if (r.status in out) out[r.status as DeliveryStatus] = Number(r.n);
    return out;
  }
}
