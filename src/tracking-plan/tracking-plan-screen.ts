import type { Clock, JsonObject } from '../core/index.js';
import type { IngestMeta, MessageScreen, ScreenInput, ScreenVerdict } from '../ingest/index.js';
import type { PlanMode, PlanSchema, PlanSchemaKind, TrackingPlan, Violation } from './plan-types.js';
import type { QuarantineEntry, TrackingPlanRepoSql } from './tracking-plan-repo-sql.js';
import { ValidatorCache, type ValidatorCacheOptions } from './validator-cache.js';
import { ViolationCounter } from './violation-counter.js';
import { unplannedViolation, violationsOf } from './violations-of.js';

/** Options of {@link TrackingPlanScreen}. */
export interface TrackingPlanScreenOptions extends ValidatorCacheOptions {
  /** How long a workspace's plan is used before its version is read again (default 1,000 ms). */
  readonly refreshMs?: number;
}

/** A workspace's plan as the screen holds it: the plan, its schemas by key, and when its version was last read. */
export interface CachedPlan {
  readonly plan: TrackingPlan;
  /** Schemas by kind and event, each with its validator-cache key (built once per plan version, not per message). */
  readonly byKey: ReadonlyMap<string, PlanSchema & { readonly cacheKey: string }>;
  checkedAt: number;
}

const keyOf = (kind: PlanSchemaKind, event: string): string => `${kind}\u0000${event}`;

/**
 * The message as the client sent it, minus a `writeKey` in the body (analytics.js may send it there): the
 * quarantine keeps what is needed to replay, never a credential, and the admin API lists it.
 */
function withoutWriteKey(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.hasOwn(raw, 'writeKey')) return raw;
  const { writeKey: _dropped, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/**
 * Violations written into one message (its `context.violationErrors`, its quarantine row). All are counted;
 * only the first ones travel with the message, so an event with a thousand unexpected properties does not
 * grow by a thousand entries.
 */
export const MAX_VIOLATIONS_PER_MESSAGE = 20;

/**
 * The tracking plan as an ingestion step ({@link MessageScreen}): each validated track message is checked
 * against its event's schema (its `properties`), each identify against the identify schema (its `traits`);
 * a track event the plan does not name is an `Unplanned-Event` handled by the plan's `unplanned` mode. Page,
 * screen, group and alias pass unchecked. Violations are counted ({@link ViolationCounter}); then the mode
 * decides: `allow` stores the message untouched, `flag` stores it with `context.violationErrors` (RudderStack's
 * field), `block` writes it to the quarantine — durably, before the client's answer — and not to the log.
 *
 * A workspace's plan is held in memory and its version re-read at most once per `refreshMs`, so a change made
 * by another process applies within that time; a change made through this process's service applies at once
 * ({@link invalidate}). A workspace without a plan costs one map lookup per call.
 */
export class TrackingPlanScreen implements MessageScreen {
  readonly validators: ValidatorCache;
  readonly counter: ViolationCounter;
  private readonly plans = new Map<string, CachedPlan>();
  private readonly loading = new Map<string, Promise<CachedPlan>>();
  private readonly refreshMs: number;

  constructor(
    private readonly repo: TrackingPlanRepoSql,
    private readonly clock: Clock,
    options: TrackingPlanScreenOptions = {},
  ) {
    this.validators = new ValidatorCache(options);
    this.counter = new ViolationCounter(repo);
    this.refreshMs = options.refreshMs ?? 1_000;
  }

  /** Forgets the cached plan of a workspace (after a change through this process). */
  invalidate(workspaceId: string): void {
    this.plans.delete(workspaceId);
  }

  /** The workspace's plan, from memory when its version was read less than `refreshMs` ago. */
  async planOf(workspaceId: string): Promise<CachedPlan> {
    const now = this.clock.now();
    const cached = this.plans.get(workspaceId);
    if (cached && now - cached.checkedAt < this.refreshMs) return cached;
    let loading = this.loading.get(workspaceId);
    if (!loading) {
      loading = (async () => {
        if (cached && (await this.repo.version(workspaceId)) === cached.plan.version) {
          cached.checkedAt = now;
          return cached;
        }
        const plan = await this.repo.plan(workspaceId);
        const byKey = new Map(plan.schemas.map((s) => [keyOf(s.kind, s.event), { ...s, cacheKey: `${workspaceId}\u0000${keyOf(s.kind, s.event)}\u0000${plan.version}` }]));
        const fresh = { plan, byKey, checkedAt: now };
        this.plans.set(workspaceId, fresh);
        return fresh;
      })().finally(() => this.loading.delete(workspaceId));
      this.loading.set(workspaceId, loading);
    }
    return loading;
  }

  /** The violations of one message under `plan`, and the mode that applies (undefined: not checked). */
  check(cached: CachedPlan, message: { type: string; name: string | null; properties: JsonObject; traits: JsonObject }): { mode: PlanMode; kind: PlanSchemaKind; event: string; violations: Violation[] } | undefined {
    const { plan, byKey } = cached;
    if (message.type === 'track') {
      const event = message.name ?? '';
      const schema = byKey.get(keyOf('track', event));
      if (!schema) return { mode: plan.unplanned, kind: 'track', event, violations: [unplannedViolation(event)] };
      const validate = this.validators.get(schema.cacheKey, schema.schema);
      return { mode: schema.mode, kind: 'track', event, violations: validate(message.properties) ? [] : violationsOf('track', validate.errors ?? []) };
    }
    if (message.type === 'identify') {
      const schema = byKey.get(keyOf('identify', ''));
      if (!schema) return undefined;
      const validate = this.validators.get(schema.cacheKey, schema.schema);
      return { mode: schema.mode, kind: 'identify', event: '', violations: validate(message.traits) ? [] : violationsOf('identify', validate.errors ?? []) };
    }
    return undefined;
  }

  async screen(workspaceId: string, messages: readonly ScreenInput[], meta: IngestMeta): Promise<readonly ScreenVerdict[]> {
    const cached = await this.planOf(workspaceId);
    if (cached.plan.version === 0) return messages.map(() => ({ kind: 'pass' }));
    const now = this.clock.now();
    const verdicts: ScreenVerdict[] = [];
    const quarantine: QuarantineEntry[] = [];
    for (const { prepared, raw } of messages) {
      const m = prepared.message;
      const found = this.check(cached, m);
      if (!found || found.violations.length === 0) {
        verdicts.push({ kind: 'pass' });
        continue;
      }
      this.counter.add(workspaceId, found.kind, found.event, prepared.messageId, m as unknown as Record<string, unknown>, found.violations, now);
      switch (found.mode) {
        case 'allow':
          verdicts.push({ kind: 'pass' });
          break;
        case 'flag':
          verdicts.push({
            kind: 'mark',
            context: { ...m.context, violationErrors: found.violations.slice(0, MAX_VIOLATIONS_PER_MESSAGE).map((v) => ({ ...v, meta: { ...v.meta } })) },
          });
          break;
        case 'block':
          verdicts.push({ kind: 'quarantined' });
          quarantine.push({
            workspaceId,
            messageId: prepared.messageId,
            messageType: found.kind,
            event: found.event,
            message: withoutWriteKey(raw),
            meta: {
              receivedAt: meta.receivedAt,
              sentAt: meta.sentAt ?? null,
              ...(meta.context ? { context: meta.context } : {}),
              ...(meta.type ? { type: meta.type } : {}),
              source: meta.source,
            },
            violations: found.violations.slice(0, MAX_VIOLATIONS_PER_MESSAGE),
            at: now,
          });
          break;
      }
    }
    await this.repo.quarantine(quarantine);
    return verdicts;
  }
}
