import type { Result } from '../core/index.js';
import { err, ok } from '../core/index.js';

/**
 * What an alert rule watches. Each has one `threshold`, read in its own unit:
 * - `segment_size_change`: percent the segment's size moved against its trailing baseline (the mean of its
 *   hourly sizes over the last `baselineHours`, default 24, excluding the current hour);
 * - `segment_stale`: minutes without any member entering or leaving the segment;
 * - `no_events`: minutes without any event received in the workspace;
 * - `change_lag`: seconds the oldest event not yet evaluated by the engine has been waiting;
 * - `delivery_failure_rate`: percent of destination delivery attempts that failed in the last `windowMinutes`
 *   (default 15; at least `minAttempts`, default 10, before the rate means anything);
 * - `dead_letters`: dead deliveries (given up after every retry) currently held;
 * - `tracking_plan_violations`: tracking-plan violations counted in the last `windowMinutes` (default 5).
 */
export type AlertKind =
  | 'segment_size_change'
  | 'segment_stale'
  | 'no_events'
  | 'change_lag'
  | 'delivery_failure_rate'
  | 'dead_letters'
  | 'tracking_plan_violations';

/** Every kind, in documentation order. */
export const ALERT_KINDS: readonly AlertKind[] = [
  'segment_size_change',
  'segment_stale',
  'no_events',
  'change_lag',
  'delivery_failure_rate',
  'dead_letters',
  'tracking_plan_violations',
];

/** Kinds that watch one segment (and must name it). */
export const SEGMENT_KINDS: ReadonlySet<AlertKind> = new Set(['segment_size_change', 'segment_stale']);

/**
 * Where notices go: a Standard Webhooks endpoint (signed like membership webhooks, body the alert as JSON), or
 * a Slack-compatible incoming webhook (body `{"text": …}`, which Slack, Mattermost, Rocket.Chat and Teams'
 * Slack-compatible connectors accept).
 */
export interface AlertDestination {
  readonly kind: 'webhook' | 'slack';
  readonly url: string;
}

/** Tuning of a rule beyond its threshold (each used by some kinds; see {@link AlertKind}). */
export interface AlertParams {
  readonly threshold: number;
  readonly baselineHours?: number;
  readonly windowMinutes?: number;
  readonly minAttempts?: number;
}

/** An alert rule as stored. */
export interface AlertRule {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly kind: AlertKind;
  readonly segmentId: string | null;
  readonly params: AlertParams;
  readonly destination: AlertDestination;
  /** `whsec_…` signing secret of a `webhook` destination (shown once, at creation). */
  readonly secret: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A rule as submitted (the segment by id or name, resolved by the service). */
export interface AlertRuleInput {
  readonly name: string;
  readonly kind: AlertKind;
  readonly segment: string | null;
  readonly params: AlertParams;
  readonly destination: AlertDestination;
}

/** The first problem of a submitted rule: the offending field and a sentence. */
export interface AlertRuleProblem {
  readonly field: string;
  readonly message: string;
}

const RANGES: Readonly<Record<AlertKind, readonly [min: number, max: number]>> = {
  segment_size_change: [1, 10_000],
  segment_stale: [1, 60 * 24 * 90],
  no_events: [1, 60 * 24 * 90],
  change_lag: [1, 86_400],
  delivery_failure_rate: [0.1, 100],
  dead_letters: [0, 1_000_000_000],
  tracking_plan_violations: [0, 1_000_000_000],
};

function num(o: Record<string, unknown>, key: string, min: number, max: number, field: string): Result<number | undefined, AlertRuleProblem> {
  const v = o[key];
  if (v === undefined) return ok(undefined);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return err({ field, message: `${field} must be a number from ${min} to ${max}` });
  return ok(v);
}

/**
 * Checks a submitted rule (the JSON body of `POST /api/alerts/rules`): a name, a known kind, a segment for the
 * kinds that watch one (and none for the others), a threshold in the kind's range, optional tuning in range,
 * and a destination with an http(s) URL. The URL's address is checked by the SSRF guard later, in the service.
 */
export function parseAlertRuleInput(body: unknown): Result<AlertRuleInput, AlertRuleProblem> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return err({ field: 'body', message: 'the body must be a JSON object' });
  const o = body as Record<string, unknown>;
  const known = new Set(['name', 'kind', 'segment', 'threshold', 'baselineHours', 'windowMinutes', 'minAttempts', 'destination']);
  for (const key of Object.keys(o)) if (!known.has(key)) return err({ field: key, message: `unknown field "${key}"` });
  if (typeof o.name !== 'string' || o.name.trim() === '' || o.name.length > 200) return err({ field: 'name', message: 'name must be a non-empty string of at most 200 characters' });
  if (typeof o.kind !== 'string' || !(ALERT_KINDS as readonly string[]).includes(o.kind)) {
    return err({ field: 'kind', message: `kind must be one of ${ALERT_KINDS.join(', ')}` });
  }
  const kind = o.kind as AlertKind;
  let segment: string | null = null;
  if (SEGMENT_KINDS.has(kind)) {
    if (typeof o.segment !== 'string' || o.segment === '') return err({ field: 'segment', message: `a ${kind} rule watches a segment: give its id or name` });
    segment = o.segment;
  } else if (o.segment !== undefined && o.segment !== null) {
    return err({ field: 'segment', message: `a ${kind} rule watches the workspace, not a segment` });
  }
  const [min, max] = RANGES[kind];
  if (o.threshold === undefined) return err({ field: 'threshold', message: 'threshold is required' });
  const threshold = num(o, 'threshold', min, max, 'threshold');
  if (!threshold.ok) return threshold;
  const baselineHours = num(o, 'baselineHours', 1, 24 * 30, 'baselineHours');
  if (!baselineHours.ok) return baselineHours;
  const windowMinutes = num(o, 'windowMinutes', 1, 24 * 60, 'windowMinutes');
  if (!windowMinutes.ok) return windowMinutes;
  const minAttempts = num(o, 'minAttempts', 1, 1_000_000, 'minAttempts');
  if (!minAttempts.ok) return minAttempts;
  const d = o.destination;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return err({ field: 'destination', message: 'destination must be { "kind": "webhook" | "slack", "url": "https://…" }' });
  const dest = d as Record<string, unknown>;
  if (dest.kind !== 'webhook' && dest.kind !== 'slack') return err({ field: 'destination.kind', message: 'destination.kind must be "webhook" or "slack"' });
  let url: URL;
  try {
    url = new URL(String(dest.url));
  } catch {
    return err({ field: 'destination.url', message: 'destination.url must be an absolute http(s) URL' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || String(dest.url).length > 2048) {
    return err({ field: 'destination.url', message: 'destination.url must be an absolute http(s) URL of at most 2048 characters' });
  }
  return ok({
    name: o.name.trim(),
    kind,
    segment,
    params: {
      threshold: threshold.value!,
      ...(baselineHours.value === undefined ? {} : { baselineHours: baselineHours.value }),
      ...(windowMinutes.value === undefined ? {} : { windowMinutes: windowMinutes.value }),
      ...(minAttempts.value === undefined ? {} : { minAttempts: minAttempts.value }),
    },
    destination: { kind: dest.kind, url: url.toString() },
  });
}
