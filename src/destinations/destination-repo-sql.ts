import type { Row, SqlExecutor } from '../store/index.js';
import type { DestinationConfig, DestinationKind, DestinationRecord, DisabledReason, SegmentSelection } from './destination-record.js';
import { plainSecrets, type SecretCipher } from './secret-cipher.js';

interface DestinationRow extends Row {
  id: string;
  workspace_id: string;
  name: string;
  url: string;
  secret: string;
  segments: string;
  email_targeting: unknown;
  enabled: unknown;
  disabled_reason: string | null;
  disabled_at: unknown;
  cursor_seq: unknown;
  consecutive_dead: unknown;
  failing_since: unknown;
  created_at: unknown;
  updated_at: unknown;
  kind: string;
  config: string;
  previous_secret: string | null;
  previous_secret_until: unknown;
  rate_limit_waits: unknown;
  last_error: string | null;
  last_error_at: unknown;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function fromRow(r: DestinationRow, cipher: SecretCipher): DestinationRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    kind: r.kind as DestinationKind,
    url: r.url,
    secret: cipher.open(r.secret),
    previousSecret: r.previous_secret === null ? null : cipher.open(r.previous_secret),
    previousSecretUntil: numOrNull(r.previous_secret_until),
    config: JSON.parse(r.config) as DestinationConfig,
    segments: JSON.parse(r.segments) as SegmentSelection,
    emailTargeting: num(r.email_targeting) === 1,
    enabled: num(r.enabled) === 1,
    disabledReason: (r.disabled_reason as DisabledReason | null) ?? null,
    disabledAt: numOrNull(r.disabled_at),
    cursorSeq: num(r.cursor_seq),
    consecutiveDead: num(r.consecutive_dead),
    failingSince: numOrNull(r.failing_since),
    rateLimitWaits: num(r.rate_limit_waits),
    lastError: r.last_error,
    lastErrorAt: numOrNull(r.last_error_at),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** The fields a person may change on a destination. */
export interface DestinationPatch {
  readonly name?: string;
  readonly url?: string;
  readonly segments?: SegmentSelection;
  readonly emailTargeting?: boolean;
  readonly enabled?: boolean;
  readonly config?: DestinationConfig;
}

/** Destinations, their change-log cursor and failure counters, written once for both SQL dialects. */
export class DestinationRepoSql {
  constructor(
    private readonly sql: SqlExecutor,
    /** Seals the signing secret at rest (see `SEGFLOW_SECRET_KEY`). */
    private readonly cipher: SecretCipher = plainSecrets,
  ) {}

  async insert(d: DestinationRecord): Promise<void> {
    await this.sql.execute(
      `INSERT INTO destinations (id, workspace_id, name, url, secret, segments, email_targeting, enabled, disabled_reason,
         disabled_at, cursor_seq, consecutive_dead, failing_since, created_at, updated_at, kind, config)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        d.id,
        d.workspaceId,
        d.name,
        d.url,
        this.cipher.seal(d.secret),
        JSON.stringify(d.segments),
        d.emailTargeting ? 1 : 0,
        d.enabled ? 1 : 0,
        d.disabledReason,
        d.disabledAt,
        d.cursorSeq,
        d.consecutiveDead,
        d.failingSince,
        d.createdAt,
        d.updatedAt,
        d.kind,
        JSON.stringify(d.config),
      ],
    );
  }

  async get(workspaceId: string, id: string): Promise<DestinationRecord | undefined> {
    const rows = await this.sql.query<DestinationRow>('SELECT * FROM destinations WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    return rows[0] && fromRow(rows[0], this.cipher);
  }

  /** By id in any workspace (the worker's view). */
  async byId(id: string): Promise<DestinationRecord | undefined> {
    const rows = await this.sql.query<DestinationRow>('SELECT * FROM destinations WHERE id = $1', [id]);
    return rows[0] && fromRow(rows[0], this.cipher);
  }

  async list(workspaceId: string): Promise<DestinationRecord[]> {
    const rows = await this.sql.query<DestinationRow>('SELECT * FROM destinations WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
    return rows.map((r) => fromRow(r, this.cipher));
  }

  /** Every destination of every workspace (the worker serves them all). */
  async all(): Promise<DestinationRecord[]> {
    const rows = await this.sql.query<DestinationRow>('SELECT * FROM destinations ORDER BY created_at, id');
    return rows.map((r) => fromRow(r, this.cipher));
  }

  /** Applies a patch; enabling clears the failure counters and the disabled reason. */
  async update(workspaceId: string, id: string, patch: DestinationPatch, now: number): Promise<DestinationRecord | undefined> {
    const current = await this.get(workspaceId, id);
    if (!current) return undefined;
    const enabled = patch.enabled ?? current.enabled;
    const reEnabled = patch.enabled === true;
    const disabledNow = patch.enabled === false && current.enabled;
    await this.sql.execute(
      `UPDATE destinations SET name = $3, url = $4, segments = $5, email_targeting = $6, enabled = $7,
         disabled_reason = $8, disabled_at = $9, consecutive_dead = $10, failing_since = $11, updated_at = $12, config = $13
       WHERE workspace_id = $1 AND id = $2`,
      [
        workspaceId,
        id,
        patch.name ?? current.name,
        patch.url ?? current.url,
        JSON.stringify(patch.segments ?? current.segments),
        (patch.emailTargeting ?? current.emailTargeting) ? 1 : 0,
        enabled ? 1 : 0,
        enabled ? null : disabledNow ? 'manual' : current.disabledReason,
        enabled ? null : disabledNow ? now : current.disabledAt,
        reEnabled ? 0 : current.consecutiveDead,
        reEnabled ? null : current.failingSince,
        now,
        JSON.stringify(patch.config ?? current.config),
      ],
    );
    return this.get(workspaceId, id);
  }

  /** Deletes a destination with its deliveries, attempts and told-membership. */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const n = await tx.execute('DELETE FROM destinations WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      if (n === 0) return false;
      await tx.execute(
        'DELETE FROM destination_attempts WHERE delivery_id IN (SELECT id FROM destination_deliveries WHERE destination_id = $1)',
        [id],
      );
      await tx.execute('DELETE FROM destination_deliveries WHERE destination_id = $1', [id]);
      await tx.execute('DELETE FROM destination_members WHERE destination_id = $1', [id]);
      return true;
    });
  }

  /** Moves the change-log cursor (inside the transaction that created the deliveries up to `seq`). */
  async setCursor(id: string, seq: number): Promise<void> {
    await this.sql.execute('UPDATE destinations SET cursor_seq = $2 WHERE id = $1 AND cursor_seq < $2', [id, seq]);
  }

  /** A delivery succeeded: the run of failures is over. */
  async recordSuccess(id: string): Promise<void> {
    await this.sql.execute(
      'UPDATE destinations SET consecutive_dead = 0, failing_since = NULL WHERE id = $1 AND (consecutive_dead <> 0 OR failing_since IS NOT NULL)',
      [id],
    );
  }

  /** A delivery failed (`dead`: and was dead-lettered); returns the counters after the update. */
  async recordFailure(id: string, dead: boolean, now: number): Promise<DestinationRecord | undefined> {
    await this.sql.execute(
      `UPDATE destinations SET consecutive_dead = consecutive_dead + $2, failing_since = COALESCE(failing_since, $3) WHERE id = $1`,
      [id, dead ? 1 : 0, now],
    );
    return this.byId(id);
  }

  /**
   * Takes or renews the destination's lease for `owner` until `now + leaseMs`; succeeds when the lease is free,
   * already held by `owner`, or expired. Only the holder routes and sends the destination's deliveries.
   */
  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const n = await this.sql.execute(
      `UPDATE destinations SET lease_owner = $2, lease_until = $3
       WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until IS NULL OR lease_until <= $4)`,
      [id, owner, now + leaseMs, now],
    );
    return n > 0;
  }

  /** Gives up every lease `owner` holds (on a clean stop), so another process can take over at once. */
  async releaseAll(owner: string): Promise<void> {
    await this.sql.execute('UPDATE destinations SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
  }

  /**
   * Replaces the secret; the old one stays valid (and, for webhooks, is signed with too) until `graceUntil`.
   * Rotating again inside the grace period drops the oldest.
   */
  async rotateSecret(workspaceId: string, id: string, secret: string, graceUntil: number, now: number): Promise<boolean> {
    const current = await this.get(workspaceId, id);
    if (!current) return false;
    const n = await this.sql.execute(
      `UPDATE destinations SET secret = $3, previous_secret = $4, previous_secret_until = $5, updated_at = $6
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, this.cipher.seal(secret), this.cipher.seal(current.secret), graceUntil, now],
    );
    return n > 0;
  }

  /** Counts a rate-limited answer (HTTP 429) the destination waited for. */
  async recordRateLimitWait(id: string, waits = 1): Promise<void> {
    await this.sql.execute('UPDATE destinations SET rate_limit_waits = rate_limit_waits + $2 WHERE id = $1', [id, waits]);
  }

  /** Remembers the last failed attempt's error (shown in the API as the destination's last error). */
  async recordLastError(id: string, error: string, at: number): Promise<void> {
    await this.sql.execute('UPDATE destinations SET last_error = $2, last_error_at = $3 WHERE id = $1', [id, error.slice(0, 2000), at]);
  }

  /** Disables a destination automatically; false when it was already disabled. */
  async autoDisable(id: string, now: number): Promise<boolean> {
    const n = await this.sql.execute(
      `UPDATE destinations SET enabled = 0, disabled_reason = 'auto', disabled_at = $2, updated_at = $2 WHERE id = $1 AND enabled = 1`,
      [id, now],
    );
    return n > 0;
  }
}
