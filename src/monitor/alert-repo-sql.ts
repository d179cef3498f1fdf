import { newId } from '../core/index.js';
import { plainSecrets, type SecretCipher } from '../destinations/index.js';
import type { SqlExecutor } from '../store/index.js';
import { fromJson, toJson } from '../store/index.js';
import type { AlertDestination, AlertKind, AlertParams, AlertRule } from './alert-rule.js';

/** An alert a rule raised: open (`firing`) until it resolves, then kept as history. */
export interface Alert {
  readonly id: string;
  readonly workspaceId: string;
  readonly ruleId: string;
  readonly state: 'firing' | 'resolved';
  readonly firedAt: number;
  readonly resolvedAt: number | null;
  /** The measurement that fired it. */
  readonly value: number;
  readonly message: string;
  readonly link: string | null;
}

/** A notice waiting to be sent (or sent, or given up). */
export interface AlertNotification {
  readonly id: string;
  readonly alertId: string;
  readonly event: 'fired' | 'resolved';
  readonly attempts: number;
}

type RuleRow = {
  id: string;
  workspace_id: string;
  name: string;
  kind: AlertKind;
  segment_id: string | null;
  params: string;
  destination: string;
  created_at: number;
  updated_at: number;
};

type AlertRow = {
  id: string;
  workspace_id: string;
  rule_id: string;
  state: 'firing' | 'resolved';
  fired_at: number;
  resolved_at: number | null;
  value: number;
  message: string;
  link: string | null;
};

const ruleOf = (r: RuleRow, cipher: SecretCipher): AlertRule => {
  const dest = fromJson(r.destination) as AlertDestination & { secret: string };
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    kind: r.kind,
    segmentId: r.segment_id,
    params: fromJson(r.params) as AlertParams,
    destination: { kind: dest.kind, url: dest.url },
    // Rules stored before SEGFLOW_SECRET_KEY was set hold the secret in clear: `open` returns those as they are.
    secret: cipher.open(dest.secret),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
};

const alertOf = (r: AlertRow): Alert => ({
  id: r.id,
  workspaceId: r.workspace_id,
  ruleId: r.rule_id,
  state: r.state,
  firedAt: Number(r.fired_at),
  resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  value: Number(r.value),
  message: r.message,
  link: r.link,
});

const RULE_COLUMNS = 'id, workspace_id, name, kind, segment_id, params, destination, created_at, updated_at';
const ALERT_COLUMNS = 'id, workspace_id, rule_id, state, fired_at, resolved_at, value, message, link';

/**
 * Alert rules, alerts and the notification outbox (migration 0720). A webhook rule's signing secret is stored
 * sealed with `cipher` (`SEGFLOW_SECRET_KEY`, as every stored secret; in clear without a key).
 */
export class AlertRepoSql {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly cipher: SecretCipher = plainSecrets,
  ) {}

  /** Stores a new rule; false when the workspace already has a rule of that name. */
  async createRule(rule: AlertRule): Promise<boolean> {
    const taken = await this.sql.query('SELECT 1 AS x FROM alert_rules WHERE workspace_id = $1 AND name = $2', [rule.workspaceId, rule.name]);
    if (taken.length > 0) return false;
    await this.sql.execute(
      `INSERT INTO alert_rules (${RULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [rule.id, rule.workspaceId, rule.name, rule.kind, rule.segmentId, toJson(rule.params), toJson({ ...rule.destination, secret: this.cipher.seal(rule.secret) }), rule.createdAt, rule.updatedAt],
    );
    return true;
  }

  /** Replaces a rule's editable columns (name, segment, params, destination); false when another rule has the name. */
  async updateRule(rule: AlertRule): Promise<boolean> {
    const taken = await this.sql.query('SELECT 1 AS x FROM alert_rules WHERE workspace_id = $1 AND name = $2 AND id <> $3', [rule.workspaceId, rule.name, rule.id]);
    if (taken.length > 0) return false;
    await this.sql.execute(
      'UPDATE alert_rules SET name = $3, segment_id = $4, params = $5, destination = $6, updated_at = $7 WHERE workspace_id = $1 AND id = $2',
      [rule.workspaceId, rule.id, rule.name, rule.segmentId, toJson(rule.params), toJson({ ...rule.destination, secret: this.cipher.seal(rule.secret) }), rule.updatedAt],
    );
    return true;
  }

  /** The workspace's rules (all workspaces when `workspaceId` is undefined), by name. */
  async rules(workspaceId?: string): Promise<AlertRule[]> {
    const rows =
      workspaceId === undefined
        ? await this.sql.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules ORDER BY workspace_id, name`)
        : await this.sql.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE workspace_id = $1 ORDER BY name`, [workspaceId]);
    return rows.map((r) => ruleOf(r, this.cipher));
  }

  /** One rule by id or name. */
  async rule(workspaceId: string, idOrName: string): Promise<AlertRule | undefined> {
    const rows = await this.sql.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE workspace_id = $1 AND (id = $2 OR name = $2) ORDER BY CASE WHEN id = $2 THEN 0 ELSE 1 END LIMIT 1`,
      [workspaceId, idOrName],
    );
    return rows[0] ? ruleOf(rows[0], this.cipher) : undefined;
  }

  /** Deletes a rule with its alerts and pending notices. */
  async deleteRule(workspaceId: string, id: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.execute('DELETE FROM alert_notifications WHERE alert_id IN (SELECT id FROM alerts WHERE rule_id = $1)', [id]);
      await tx.execute('DELETE FROM alerts WHERE rule_id = $1', [id]);
      await tx.execute('DELETE FROM alert_rules WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    });
  }

  /** The rule's open alert, if any. */
  async openAlert(ruleId: string): Promise<Alert | undefined> {
    const rows = await this.sql.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE rule_id = $1 AND state = 'firing'`, [ruleId]);
    return rows[0] ? alertOf(rows[0]) : undefined;
  }

  /**
   * Opens an alert and queues its `fired` notice, in one transaction, unless the rule already has an open
   * alert (another process evaluating the same rule fired first): at most one open alert per rule, so one
   * notice per firing. The partial unique index `alerts_one_open` is what guarantees it: a NOT EXISTS check
   * alone lets two concurrent PostgreSQL transactions both see no open alert and both insert; with the index
   * the second waits for the first and then does nothing. Returns the alert, or undefined when it was open.
   */
  async fire(rule: AlertRule, value: number, message: string, link: string | null, now: number): Promise<Alert | undefined> {
    const id = newId('alert');
    return this.sql.transaction(async (tx) => {
      const inserted = await tx.execute(
        `INSERT INTO alerts (${ALERT_COLUMNS})
         VALUES ($1, $2, $3, 'firing', $4, NULL, $5, $6, $7)
         ON CONFLICT (rule_id) WHERE state = 'firing' DO NOTHING`,
        [id, rule.workspaceId, rule.id, now, value, message, link],
      );
      if (inserted === 0) return undefined;
      await this.queue(tx, id, 'fired', now);
      return { id, workspaceId: rule.workspaceId, ruleId: rule.id, state: 'firing' as const, firedAt: now, resolvedAt: null, value, message, link };
    });
  }

  /** Resolves an open alert and queues its `resolved` notice; false when it was no longer open. */
  async resolve(alertId: string, now: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const n = await tx.execute("UPDATE alerts SET state = 'resolved', resolved_at = $1 WHERE id = $2 AND state = 'firing'", [now, alertId]);
      if (n === 0) return false;
      await this.queue(tx, alertId, 'resolved', now);
      return true;
    });
  }

  private async queue(tx: SqlExecutor, alertId: string, event: 'fired' | 'resolved', now: number): Promise<void> {
    await tx.execute(
      "INSERT INTO alert_notifications (id, alert_id, event, status, attempts, next_attempt_at, last_error) VALUES ($1, $2, $3, 'pending', 0, $4, NULL)",
      [newId('notice'), alertId, event, now],
    );
  }

  /** Alerts of a workspace, newest first. */
  async alerts(workspaceId: string, filter: { readonly state?: 'firing' | 'resolved'; readonly ruleId?: string; readonly limit: number }): Promise<Alert[]> {
    const rows = await this.sql.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE workspace_id = $1
         AND (CAST($2 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR rule_id = $3)
       ORDER BY fired_at DESC, id LIMIT $4`,
      [workspaceId, filter.state ?? null, filter.ruleId ?? null, filter.limit],
    );
    return rows.map(alertOf);
  }

  /** One alert by id. */
  async alert(alertId: string): Promise<Alert | undefined> {
    const rows = await this.sql.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [alertId]);
    return rows[0] ? alertOf(rows[0]) : undefined;
  }

  /** Notices due at `now`, oldest first. */
  async dueNotifications(now: number, limit: number): Promise<AlertNotification[]> {
    const rows = await this.sql.query<{ id: string; alert_id: string; event: 'fired' | 'resolved'; attempts: number }>(
      "SELECT id, alert_id, event, attempts FROM alert_notifications WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, alertId: r.alert_id, event: r.event, attempts: Number(r.attempts) }));
  }

  /** Records one delivery attempt of a notice. */
  async noteAttempt(id: string, outcome: { readonly status: 'pending' | 'delivered' | 'failed'; readonly attempts: number; readonly nextAt: number; readonly error: string | null }): Promise<void> {
    await this.sql.execute('UPDATE alert_notifications SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $5', [
      outcome.status,
      outcome.attempts,
      outcome.nextAt,
      outcome.error,
      id,
    ]);
  }

  /** Notices of an alert (tests and the API's alert detail). */
  async notifications(alertId: string): Promise<{ event: string; status: string; attempts: number; lastError: string | null }[]> {
    const rows = await this.sql.query<{ event: string; status: string; attempts: number; last_error: string | null }>(
      'SELECT event, status, attempts, last_error FROM alert_notifications WHERE alert_id = $1 ORDER BY next_attempt_at, id',
      [alertId],
    );
    return rows.map((r) => ({ event: r.event, status: r.status, attempts: Number(r.attempts), lastError: r.last_error }));
  }
}
