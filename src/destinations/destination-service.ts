import type { Clock } from '../core/index.js';
import { newId, type Result } from '../core/index.js';
import type { SegmentService } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import { MembershipRepoSql } from '../membership/index.js';
import type { Repos, Store } from '../store/index.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from './delivery-record.js';
import { checkDestinationInput, secretHint, type DestinationInput } from './destination-input.js';
import { isListSync, type DestinationRecord, type SegmentSelection } from './destination-record.js';
import type { SegmentInfo } from './build-payload.js';
import { listSyncOf, type ConnectOptions } from './connect-destination.js';
import { initialSync } from './initial-sync.js';
import { planResync, queueResync, type ResyncReport } from './resync.js';
import { DestinationRepoSql, type DestinationPatch } from './destination-repo-sql.js';
import { OperationalEventRepoSql, type OperationalEvent } from './operational-event-repo-sql.js';
import type { SecretCipher } from './secret-cipher.js';
import { newSigningSecret } from './signing-secret.js';
import type { SsrfGuard, SsrfRefusal } from './ssrf-guard.js';

/** A destination as shown to people: everything but its secrets (a hint of the current one), with delivery counts. */
export type DestinationView = Omit<DestinationRecord, 'secret' | 'previousSecret'> & {
  readonly secretHint: string;
  readonly counts?: Record<DeliveryStatus, number>;
};

/** A delivery with its attempts. */
export type DeliveryView = DeliveryRecord & { readonly attemptLog: readonly AttemptRecord[] };

export type { DestinationInput } from './destination-input.js';

/** Expected failures of destination operations. */
export type DestinationFailure =
  | { readonly kind: 'not_found'; readonly what: 'destination' | 'delivery'; readonly id: string }
  | { readonly kind: 'url_forbidden'; readonly refusal: SsrfRefusal; readonly field?: 'url' | 'baseUrl' }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly kind: 'esp_unavailable'; readonly message: string };

/** A result: the value, or an expected failure. */
export type DestinationResult<T> = Result<T, DestinationFailure>;

/** Everything the service needs. */
export interface DestinationServiceOptions {
  readonly store: Pick<Store, 'sql' | 'transaction' | 'profiles'>;
  readonly changeLog: ChangeLog;
  readonly guard: SsrfGuard;
  readonly clock: Clock;
  /** When given, listed segment ids must exist. */
  readonly segments?: Pick<SegmentService, 'get'>;
  /** Called after anything the delivery worker should act on at once (create, enable, replay). */
  readonly onChange?: () => void;
  /** Seals signing secrets at rest (default: stored in clear). */
  readonly cipher?: SecretCipher;
  /**
   * Makes sure a workspace has the `__email_eligible` system segment; called when a destination becomes
   * email-targeting (see `ensureEmailEligibleSegment`).
   */
  readonly ensureEligibilitySegment?: (workspaceId: string) => Promise<void>;
  /**
   * Makes sure a workspace has the `__consent_<category>` system segments of these categories; called when a
   * destination declares consent categories (see `ensureConsentSegments`).
   */
  readonly ensureConsentSegments?: (workspaceId: string, categories: readonly string[]) => Promise<void>;
  /** How ESP providers are built for a resync besides guard and clock (job polling, CA certificates). */
  readonly connect?: Omit<ConnectOptions, 'guard' | 'clock'>;
  /** How long the old signing secret stays valid after a rotation (default 24 h). */
  readonly rotationGraceMs?: number;
}

function view(d: DestinationRecord, counts?: Record<DeliveryStatus, number>): DestinationView {
  const { secret, previousSecret: _previous, ...rest } = d;
  return { ...rest, secretHint: secretHint(secret), ...(counts ? { counts } : {}) };
}

/** The system segment email-targeting watches (see delivery-worker.ts; repeated to keep this file free of the worker). */
const EMAIL_ELIGIBLE = '__email_eligible';

const fail = <T>(error: DestinationFailure): DestinationResult<T> => ({ ok: false, error });

/**
 * Registering and administering destinations: URL checks by the SSRF guard at registration (and on every
 * URL change), a fresh `whsec_` secret shown once, deliveries with their attempts, replay, re-enable. A new
 * destination starts at the change log's head: it receives changes from its creation on.
 */
export class DestinationService {
  constructor(private readonly options: DestinationServiceOptions) {}

  /**
   * Registers a webhook (a fresh `whsec_` secret, returned only now) or an ESP list sync (its API key, never
   * returned). With `initialSync` (the default for ESPs) the selected segments' current members are queued
   * first, in the same transaction that fixes the destination's cursor at the change-log head.
   */
  async create(workspaceId: string, input: DestinationInput): Promise<DestinationResult<{ destination: DestinationView; secret?: string; initialSync: number }>> {
    const checked = await this.validate(workspaceId, input);
    if (!checked.ok) return checked;
    const { kind, url, apiKey, config, segments } = checked.value;
    const now = this.options.clock.now();
    const listSync = isListSync(kind);
    const emailTargeting = listSync ? true : (input.emailTargeting ?? false);
    if (listSync && input.emailTargeting === false) {
      return fail({ kind: 'invalid', field: 'emailTargeting', message: 'ESP destinations always target email: people who may not be emailed are never added' });
    }
    if (emailTargeting) await this.options.ensureEligibilitySegment?.(workspaceId);
    if (config.consentCategories?.length) await this.options.ensureConsentSegments?.(workspaceId, config.consentCategories);
    const eligibility = emailTargeting ? await this.options.segments?.get(workspaceId, EMAIL_ELIGIBLE) : undefined;
    const result = await this.options.store.transaction(async (tx) => {
      const record: DestinationRecord = {
        id: newId('dst'),
        workspaceId,
        name: input.name.trim(),
        kind,
        url,
        secret: apiKey ?? newSigningSecret(),
        previousSecret: null,
        previousSecretUntil: null,
        config,
        segments,
        emailTargeting,
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        cursorSeq: await new MembershipRepoSql(tx.sql).headSeq(),
        consecutiveDead: 0,
        failingSince: null,
        rateLimitWaits: 0,
        lastError: null,
        lastErrorAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await new DestinationRepoSql(tx.sql, this.options.cipher).insert(record);
      const backfill = (input.initialSync ?? listSync) && segments !== 'all' ? await this.backfill(tx, record, segments, record.cursorSeq, eligibility?.id) : 0;
      return { record, backfill };
    });
    this.options.onChange?.();
    return {
      ok: true,
      value: { destination: view(result.record), ...(listSync ? {} : { secret: result.record.secret }), initialSync: result.backfill },
    };
  }

  private backfill(tx: Repos, destination: DestinationRecord, segmentIds: readonly string[], seq: number, eligibilitySegmentId: string | undefined): Promise<number> {
    return initialSync(segmentIds, {
      tx,
      destination,
      seq,
      eligibilitySegmentId,
      now: this.options.clock.now(),
      segmentInfo: async (ws, id) => {
        const s = await this.options.segments?.get(ws, id);
        return s && { id: s.id, name: s.name, version: s.version };
      },
    });
  }

  /**
   * Rotates a destination's secret without downtime. Webhooks get a new `whsec_` secret (returned now); the old
   * one stays valid for `graceMs` (default 24 h), and every message in that time carries both signatures, so a
   * receiver can switch keys whenever it likes. ESPs take the new API key given (the old one is dropped: the
   * ESP, not segflow, decides when it stops working).
   */
  async rotateSecret(workspaceId: string, id: string, options: { apiKey?: string; graceMs?: number } = {}): Promise<DestinationResult<{ secret?: string; previousValidUntil: number | null }>> {
    const repo = new DestinationRepoSql(this.options.store.sql, this.options.cipher);
    const current = await repo.get(workspaceId, id);
    if (!current) return fail({ kind: 'not_found', what: 'destination', id });
    const now = this.options.clock.now();
    if (isListSync(current.kind)) {
      if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '' || options.apiKey.length > 500) {
        return fail({ kind: 'invalid', field: 'apiKey', message: `rotating a ${current.kind} destination's key needs the new apiKey` });
      }
      await repo.rotateSecret(workspaceId, id, options.apiKey.trim(), now, now);
      this.options.onChange?.();
      return { ok: true, value: { previousValidUntil: null } };
    }
    if (options.apiKey !== undefined) return fail({ kind: 'invalid', field: 'apiKey', message: 'webhook destinations get a generated signing secret; apiKey applies to ESPs' });
    const graceMs = options.graceMs ?? this.options.rotationGraceMs ?? 24 * 3_600_000;
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > 30 * 24 * 3_600_000) {
      return fail({ kind: 'invalid', field: 'graceSeconds', message: 'the grace period must be from 0 to 30 days' });
    }
    const secret = newSigningSecret();
    await repo.rotateSecret(workspaceId, id, secret, now + graceMs, now);
    this.options.onChange?.();
    return { ok: true, value: { secret, previousValidUntil: now + graceMs } };
  }

  async list(workspaceId: string): Promise<DestinationView[]> {
    const deliveries = new DeliveryRepoSql(this.options.store.sql);
    const all = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).list(workspaceId);
    return Promise.all(all.map(async (d) => view(d, await deliveries.counts(d.id))));
  }

  async get(workspaceId: string, id: string): Promise<DestinationResult<DestinationView>> {
    const d = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).get(workspaceId, id);
    if (!d) return fail({ kind: 'not_found', what: 'destination', id });
    return { ok: true, value: view(d, await new DeliveryRepoSql(this.options.store.sql).counts(d.id)) };
  }

  /**
   * Renames, re-points (URL checked again), re-selects segments, enables or disables. Enabling clears
   * auto-disable. Segments added to a destination with `initialSync` get their current members sent first.
   */
  async update(workspaceId: string, id: string, patch: DestinationPatch & { readonly initialSync?: boolean }): Promise<DestinationResult<DestinationView>> {
    const repo = new DestinationRepoSql(this.options.store.sql, this.options.cipher);
    const current = await repo.get(workspaceId, id);
    if (!current) return fail({ kind: 'not_found', what: 'destination', id });
    if (patch.url !== undefined && isListSync(current.kind)) {
      return fail({ kind: 'invalid', field: 'url', message: 'an ESP destination\'s address is its provider (or baseUrl at creation)' });
    }
    let url = current.url;
    let segments = current.segments;
    if (patch.name !== undefined && (typeof patch.name !== 'string' || patch.name.trim() === '' || patch.name.length > 200)) {
      return fail({ kind: 'invalid', field: 'name', message: 'name must be 1–200 characters' });
    }
    if (patch.segments !== undefined) {
      const resolved = await this.resolveSegments(workspaceId, patch.segments);
      if (!resolved.ok) return resolved;
      segments = resolved.value;
    }
    if (patch.url !== undefined) {
      const checked = await this.options.guard.checkUrl(patch.url);
      if (!checked.ok) return fail({ kind: 'url_forbidden', refusal: checked.refusal });
      url = checked.value.href;
    }
    if (patch.emailTargeting === false && isListSync(current.kind)) {
      return fail({ kind: 'invalid', field: 'emailTargeting', message: 'ESP destinations always target email' });
    }
    if (patch.emailTargeting === true) await this.options.ensureEligibilitySegment?.(workspaceId);
    const added = segments === 'all' ? [] : segments.filter((s) => current.segments !== 'all' && !current.segments.includes(s));
    const wantsSync = (patch.initialSync ?? isListSync(current.kind)) && added.length > 0;
    const eligibility = current.emailTargeting || patch.emailTargeting ? await this.options.segments?.get(workspaceId, EMAIL_ELIGIBLE) : undefined;
    const { initialSync: _sync, ...rest } = patch;
    const updated = await this.options.store.transaction(async (tx) => {
      const txRepo = new DestinationRepoSql(tx.sql, this.options.cipher);
      const after = await txRepo.update(workspaceId, id, { ...rest, url, segments }, this.options.clock.now());
      if (after && wantsSync) await this.backfill(tx, after, added, await new MembershipRepoSql(tx.sql).headSeq(), eligibility?.id);
      return after;
    });
    if (!updated) return fail({ kind: 'not_found', what: 'destination', id });
    this.options.onChange?.();
    return { ok: true, value: view(updated) };
  }

  async delete(workspaceId: string, id: string): Promise<DestinationResult<{ deleted: true }>> {
    const ok = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).delete(workspaceId, id);
    return ok ? { ok: true, value: { deleted: true } } : fail({ kind: 'not_found', what: 'destination', id });
  }

  /** Deliveries in order, optionally of one status, after a delivery id, with their attempts. */
  async deliveries(
    workspaceId: string,
    id: string,
    query: { status?: DeliveryStatus; after?: string; limit: number },
  ): Promise<DestinationResult<DeliveryView[]>> {
    const d = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).get(workspaceId, id);
    if (!d) return fail({ kind: 'not_found', what: 'destination', id });
    const repo = new DeliveryRepoSql(this.options.store.sql);
    const list = await repo.list(id, query);
    const attempts = await repo.attemptsOf(list.map((x) => x.id));
    return { ok: true, value: list.map((x) => ({ ...x, attemptLog: attempts.get(x.id) ?? [] })) };
  }

  /** Sends one delivery again (same webhook-id, fresh retry budget). */
  async replayDelivery(workspaceId: string, id: string, deliveryId: string): Promise<DestinationResult<{ replayed: number }>> {
    const d = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).get(workspaceId, id);
    if (!d) return fail({ kind: 'not_found', what: 'destination', id });
    const n = await new DeliveryRepoSql(this.options.store.sql).replay(id, { ids: [deliveryId] }, this.options.clock.now());
    if (n === 0) return fail({ kind: 'not_found', what: 'delivery', id: deliveryId });
    this.options.onChange?.();
    return { ok: true, value: { replayed: n } };
  }

  /** Sends again every delivery made from change-log seqs in [fromSeq, toSeq]. */
  async replayRange(workspaceId: string, id: string, fromSeq: number, toSeq: number): Promise<DestinationResult<{ replayed: number }>> {
    if (!Number.isSafeInteger(fromSeq) || !Number.isSafeInteger(toSeq) || fromSeq < 0 || toSeq < fromSeq) {
      return fail({ kind: 'invalid', field: 'toSeq', message: 'fromSeq and toSeq must be integers with 0 ≤ fromSeq ≤ toSeq' });
    }
    const d = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).get(workspaceId, id);
    if (!d) return fail({ kind: 'not_found', what: 'destination', id });
    const n = await new DeliveryRepoSql(this.options.store.sql).replay(id, { range: [fromSeq, toSeq] }, this.options.clock.now());
    this.options.onChange?.();
    return { ok: true, value: { replayed: n } };
  }

  /**
   * Reconciles an ESP destination with its segments (see {@link planResync}): reads the ESP's lists where the
   * API allows, queues the adds and removals that repair the drift, and reports what it found and queued.
   */
  async resync(workspaceId: string, id: string): Promise<DestinationResult<ResyncReport>> {
    const d = await new DestinationRepoSql(this.options.store.sql, this.options.cipher).get(workspaceId, id);
    if (!d) return fail({ kind: 'not_found', what: 'destination', id });
    if (!isListSync(d.kind)) return fail({ kind: 'invalid', field: 'kind', message: 'resync reads an ESP list back; webhook destinations have none' });
    if (d.segments === 'all') return fail({ kind: 'invalid', field: 'segments', message: 'resync needs the destination\'s segments listed, not "all"' });
    const segments: SegmentInfo[] = [];
    for (const sid of d.segments) {
      const s = await this.options.segments?.get(workspaceId, sid);
      segments.push(s ? { id: s.id, name: s.name, version: s.version } : { id: sid, name: sid, version: 0 });
    }
    const { provider, targetOf } = listSyncOf(d, { guard: this.options.guard, clock: this.options.clock, ...this.options.connect });
    const now = this.options.clock.now();
    const seq = await this.options.changeLog.head();
    const planned = await planResync(this.options.store, { destination: d, provider, targetOf, segments, seq, now });
    if (!planned.ok) return fail({ kind: 'esp_unavailable', message: planned.failure.error });
    const report = await this.options.store.transaction((tx) => queueResync(tx, { destination: d, seq, now }, planned.plan));
    this.options.onChange?.();
    return { ok: true, value: report };
  }

  /** Operational events about a destination (e.g. `destination.disabled`), newest first. */
  async events(workspaceId: string, id: string, limit = 50): Promise<OperationalEvent[]> {
    return new OperationalEventRepoSql(this.options.store.sql).list(workspaceId, { subject: id, limit });
  }

  private async validate(
    workspaceId: string,
    input: DestinationInput,
  ): Promise<DestinationResult<{ kind: DestinationRecord['kind']; url: string; apiKey: string | undefined; config: DestinationRecord['config']; segments: SegmentSelection }>> {
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) {
      return fail({ kind: 'invalid', field: 'name', message: 'name must be 1–200 characters' });
    }
    const shaped = checkDestinationInput(input);
    if (!shaped.ok) return fail({ kind: 'invalid', ...shaped.problem });
    const segments = await this.resolveSegments(workspaceId, input.segments);
    if (!segments.ok) return segments;
    let { url } = shaped.value;
    if (shaped.value.check) {
      const checked = await this.options.guard.checkUrl(url);
      if (!checked.ok) return fail({ kind: 'url_forbidden', refusal: checked.refusal, field: input.kind === undefined || input.kind === 'webhook' ? 'url' : 'baseUrl' });
      url = checked.value.href;
    }
    const mapping = shaped.value.config.mapping;
    if (mapping && this.options.segments) {
      // Mapping keys may name segments too; store them by id like the selection.
      const byId: Record<string, string> = {};
      for (const [key, target] of Object.entries(mapping)) {
        const found = await this.options.segments.get(workspaceId, key);
        if (!found) return fail({ kind: 'invalid', field: 'mapping', message: `no segment with id or name "${key}"` });
        byId[found.id] = target;
      }
      return { ok: true, value: { ...shaped.value, url, config: { ...shaped.value.config, mapping: byId }, segments: segments.value } };
    }
    return { ok: true, value: { ...shaped.value, url, segments: segments.value } };
  }

  /** Resolves a selection of segment ids or names to ids (every one must exist when segments are known). */
  private async resolveSegments(workspaceId: string, selection: SegmentSelection): Promise<DestinationResult<SegmentSelection>> {
    if (selection === 'all') return { ok: true, value: 'all' };
    if (!Array.isArray(selection) || selection.length === 0 || selection.some((s) => typeof s !== 'string' || s === '')) {
      return fail({ kind: 'invalid', field: 'segments', message: 'segments must be "all" or a non-empty list of segment ids or names' });
    }
    if (!this.options.segments) return { ok: true, value: [...new Set(selection)] };
    const ids: string[] = [];
    for (const s of selection) {
      const found = await this.options.segments.get(workspaceId, s);
      if (!found) return fail({ kind: 'invalid', field: 'segments', message: `no segment with id or name "${s}"` });
      if (!ids.includes(found.id)) ids.push(found.id);
    }
    return { ok: true, value: ids };
  }
}
