import type { Clock, Result } from '../core/index.js';
import { err, newId, ok, PeriodicTask } from '../core/index.js';
import { backoffDelay, defaultRetryPolicy, newSigningSecret, WebhookDestination, type SsrfGuard } from '../destinations/index.js';
import type { AlertMeasuresSql } from './alert-measures-sql.js';
import { decideAlert } from './alert-policy.js';
import type { Alert, AlertRepoSql } from './alert-repo-sql.js';
import { parseAlertRuleInput, SEGMENT_KINDS, type AlertRule } from './alert-rule.js';

/** Why a rule was refused: a catalogued code, the field and a sentence. */
export interface AlertRuleRefusal {
  readonly code: 'ALERT_RULE_INVALID' | 'ALERT_SEGMENT_NOT_FOUND' | 'ALERT_RULE_NAME_TAKEN';
  readonly field: string;
  readonly message: string;
}

/** The segments an alert service needs to see: resolve an id or name, and a name for messages and links. */
export interface AlertSegments {
  get(workspaceId: string, idOrName: string): Promise<{ readonly id: string; readonly name: string } | undefined>;
}

/** What one {@link AlertService.tick} did. */
export interface AlertTick {
  readonly fired: number;
  readonly resolved: number;
  readonly notified: number;
}

/** What {@link AlertService} needs. */
export interface AlertServiceDeps {
  readonly repo: AlertRepoSql;
  readonly measures: AlertMeasuresSql;
  readonly segments: AlertSegments;
  readonly guard: SsrfGuard;
  readonly clock: Clock;
  /** Base URL of the web app for links (`https://segflow.example.com`); links are relative paths without it. */
  readonly linkBase?: () => string;
  /** Evaluation interval (default 60 s). */
  readonly intervalMs?: number;
  /** Notice delivery attempts before giving up (default 8). */
  readonly maxAttempts?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Pruning of the monitor's history (old hourly size buckets, old per-minute violation counts), run by the
   * tick at most once an hour.
   */
  readonly housekeeping?: (now: number) => Promise<void>;
}

/**
 * Alert rules and their evaluation. {@link tick} measures every rule at the clock's `now`, applies the
 * hysteresis policy ({@link decideAlert}) against the rule's open alert, opens or resolves alerts (each with a
 * queued notice, in one transaction) and sends the notices that are due: a signed Standard Webhooks POST, or a
 * Slack-compatible `{"text": …}`, through the same SSRF-guarded client as membership webhooks, retried with the
 * destinations' backoff. Everything reads the injected clock; in production `start` runs a tick every
 * `intervalMs` through `clock.schedule`, and tests call `tick` after advancing a fake clock.
 */
export class AlertService {
  private readonly task: PeriodicTask<AlertTick>;
  private lastHousekeeping = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: AlertServiceDeps) {
    this.task = new PeriodicTask(deps.clock, deps.intervalMs ?? 60_000, () => this.evaluate(), (e) => deps.onError?.(e));
  }

  /** Creates a rule; a `webhook` destination gets a signing secret, returned here only. */
  async create(workspaceId: string, body: unknown): Promise<Result<{ rule: AlertRule; secret: string | null }, AlertRuleRefusal>> {
    const parsed = parseAlertRuleInput(body);
    if (!parsed.ok) return err({ code: 'ALERT_RULE_INVALID', field: parsed.error.field, message: parsed.error.message });
    const input = parsed.value;
    const segment = await this.segmentOf(workspaceId, input.segment);
    if (!segment.ok) return segment;
    const segmentId = segment.value;
    const checked = await this.deps.guard.checkUrl(input.destination.url);
    if (!checked.ok) return err({ code: 'ALERT_RULE_INVALID', field: 'destination.url', message: checked.refusal.message });
    const now = this.deps.clock.now();
    const rule: AlertRule = {
      id: newId('arule'),
      workspaceId,
      name: input.name,
      kind: input.kind,
      segmentId,
      params: input.params,
      destination: input.destination,
      secret: newSigningSecret(),
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.deps.repo.createRule(rule))) return err({ code: 'ALERT_RULE_NAME_TAKEN', field: 'name', message: `Another alert rule is named "${rule.name}".` });
    return ok({ rule, secret: rule.destination.kind === 'webhook' ? rule.secret : null });
  }

  /**
   * Changes a rule: any of `name`, `segment`, `threshold`, `baselineHours`, `windowMinutes`, `minAttempts`,
   * `destination` (null removes an optional tuning); the kind cannot change (delete and create instead). The rule as
   * it would be is validated exactly as a new one, and nothing changes when it is refused. Its open alert stays open
   * and is judged against the new threshold at the next evaluation. A destination that becomes a webhook answers its
   * signing secret (shown only then). Undefined when there is no such rule.
   */
  async update(
    workspaceId: string,
    idOrName: string,
    body: unknown,
  ): Promise<Result<{ before: AlertRule; rule: AlertRule; secret: string | null }, AlertRuleRefusal> | undefined> {
    const before = await this.deps.repo.rule(workspaceId, idOrName);
    if (!before) return undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return err({ code: 'ALERT_RULE_INVALID', field: 'body', message: 'The body must be a JSON object.' });
    const patch = body as Record<string, unknown>;
    const editable = new Set(['name', 'segment', 'threshold', 'baselineHours', 'windowMinutes', 'minAttempts', 'destination']);
    for (const key of Object.keys(patch)) {
      if (key === 'kind' && patch.kind === before.kind) continue;
      if (!editable.has(key)) {
        const message = key === 'kind' ? 'The kind of a rule cannot change: delete the rule and create another.' : `"${key}" is not a field of an alert rule.`;
        return err({ code: 'ALERT_RULE_INVALID', field: key, message });
      }
    }
    const current: Record<string, unknown> = {
      name: before.name,
      kind: before.kind,
      ...(before.segmentId === null ? {} : { segment: before.segmentId }),
      ...before.params,
      destination: before.destination,
    };
    const merged: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null && (key === 'baselineHours' || key === 'windowMinutes' || key === 'minAttempts')) delete merged[key];
      else merged[key] = value;
    }
    const parsed = parseAlertRuleInput(merged);
    if (!parsed.ok) return err({ code: 'ALERT_RULE_INVALID', field: parsed.error.field, message: parsed.error.message });
    const input = parsed.value;
    const segment = await this.segmentOf(workspaceId, input.segment);
    if (!segment.ok) return segment;
    const segmentId = segment.value;
    if (input.destination.url !== before.destination.url) {
      const checked = await this.deps.guard.checkUrl(input.destination.url);
      if (!checked.ok) return err({ code: 'ALERT_RULE_INVALID', field: 'destination.url', message: checked.refusal.message });
    }
    const rule: AlertRule = {
      ...before,
      name: input.name,
      segmentId,
      params: input.params,
      destination: input.destination,
      updatedAt: this.deps.clock.now(),
    };
    if (!(await this.deps.repo.updateRule(rule))) return err({ code: 'ALERT_RULE_NAME_TAKEN', field: 'name', message: `Another alert rule is named "${rule.name}".` });
    const nowWebhook = rule.destination.kind === 'webhook' && before.destination.kind !== 'webhook';
    return ok({ before, rule, secret: nowWebhook ? rule.secret : null });
  }

  /** The id of the segment a rule names (null when it names none), or the refusal when there is no such segment. */
  private async segmentOf(workspaceId: string, ref: string | null): Promise<Result<string | null, AlertRuleRefusal>> {
    if (ref === null) return ok(null);
    const segment = await this.deps.segments.get(workspaceId, ref);
    if (!segment) return err({ code: 'ALERT_SEGMENT_NOT_FOUND', field: 'segment', message: `No segment has the id or name "${ref}".` });
    return ok(segment.id);
  }

  /** The workspace's rules. */
  rules(workspaceId: string): Promise<AlertRule[]> {
    return this.deps.repo.rules(workspaceId);
  }

  /** One rule by id or name. */
  rule(workspaceId: string, idOrName: string): Promise<AlertRule | undefined> {
    return this.deps.repo.rule(workspaceId, idOrName);
  }

  /** Deletes a rule (and its alerts); false when there was none. */
  async delete(workspaceId: string, idOrName: string): Promise<boolean> {
    const rule = await this.deps.repo.rule(workspaceId, idOrName);
    if (!rule) return false;
    await this.deps.repo.deleteRule(workspaceId, rule.id);
    return true;
  }

  /** Alerts, newest first. */
  alerts(workspaceId: string, filter: { readonly state?: 'firing' | 'resolved'; readonly rule?: string; readonly limit: number }): Promise<Alert[]> {
    return this.deps.repo.alerts(workspaceId, { limit: filter.limit, ...(filter.state ? { state: filter.state } : {}), ...(filter.rule ? { ruleId: filter.rule } : {}) });
  }

  /** Starts periodic evaluation on the clock. */
  start(): void {
    this.task.start();
  }

  /** Stops evaluating and waits for a running tick. */
  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Evaluates every rule at the clock's now, then sends due notices. One tick at a time. */
  tick(): Promise<AlertTick> {
    return this.task.runNow();
  }

  private async evaluate(): Promise<AlertTick> {
    const now = this.deps.clock.now();
    let fired = 0;
    let resolved = 0;
    for (const rule of await this.deps.repo.rules()) {
      try {
        let segmentName = '';
        if (SEGMENT_KINDS.has(rule.kind)) {
          const segment = await this.deps.segments.get(rule.workspaceId, rule.segmentId!);
          if (!segment) continue; // the segment was deleted; the rule waits to be removed
          segmentName = segment.name;
        }
        const measured = await this.deps.measures.measure(rule, segmentName, now);
        const open = await this.deps.repo.openAlert(rule.id);
        const decision = decideAlert(open !== undefined, measured?.value, rule.params.threshold);
        if (decision === 'fire' && measured) {
          const link = segmentName === '' ? null : `/segments/${encodeURIComponent(segmentName)}`;
          if (await this.deps.repo.fire(rule, measured.value, `${rule.name}: ${measured.text}`, link, now)) fired++;
        } else if (decision === 'resolve' && open) {
          if (await this.deps.repo.resolve(open.id, now)) resolved++;
        }
      } catch (error) {
        this.deps.onError?.(error);
      }
    }
    const notified = await this.notify(now);
    if (this.deps.housekeeping && now - this.lastHousekeeping >= 3_600_000) {
      this.lastHousekeeping = now;
      await this.deps.housekeeping(now).catch((e: unknown) => this.deps.onError?.(e));
    }
    return { fired, resolved, notified };
  }

  private async notify(now: number): Promise<number> {
    let delivered = 0;
    const maxAttempts = this.deps.maxAttempts ?? 8;
    const rules = new Map<string, AlertRule>();
    for (const notice of await this.deps.repo.dueNotifications(now, 100)) {
      const alert = await this.deps.repo.alert(notice.alertId);
      if (!alert) continue;
      const rule = rules.get(alert.ruleId) ?? (await this.deps.repo.rule(alert.workspaceId, alert.ruleId));
      if (!rule) continue;
      rules.set(rule.id, rule);
      const link = alert.link === null ? null : `${this.deps.linkBase?.() ?? ''}${alert.link}`;
      const webhook = new WebhookDestination({ url: rule.destination.url, secret: rule.secret, guard: this.deps.guard, clock: this.deps.clock });
      const payload =
        rule.destination.kind === 'slack'
          ? { text: `${notice.event === 'fired' ? ':rotating_light: Alert' : ':white_check_mark: Resolved'} — ${alert.message}${link ? ` <${link}|Open segment>` : ''}` }
          : {
              type: `alert.${notice.event}`,
              alert: {
                id: alert.id,
                state: notice.event === 'fired' ? 'firing' : 'resolved',
                rule: { id: rule.id, name: rule.name, kind: rule.kind, threshold: rule.params.threshold },
                segmentId: rule.segmentId,
                value: alert.value,
                message: alert.message,
                link,
                firedAt: new Date(alert.firedAt).toISOString(),
                resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
              },
            };
      const outcome = await webhook.deliverJson(notice.id, payload);
      const attempts = notice.attempts + 1;
      if (outcome.ok) {
        delivered++;
        await this.deps.repo.noteAttempt(notice.id, { status: 'delivered', attempts, nextAt: now, error: null });
      } else {
        const giveUp = !outcome.retryable || attempts >= maxAttempts;
        await this.deps.repo.noteAttempt(notice.id, {
          status: giveUp ? 'failed' : 'pending',
          attempts,
          nextAt: now + backoffDelay(attempts, defaultRetryPolicy, Math.random, outcome.retryAfterMs),
          error: outcome.error,
        });
      }
    }
    return delivered;
  }
}
