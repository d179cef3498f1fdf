import type { Clock } from '../core/index.js';
import { newId, type Result } from '../core/index.js';
import type { SegmentService } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from './delivery-record.js';
import type { DestinationRecord, SegmentSelection } from './destination-record.js';
import { DestinationRepoSql, type DestinationPatch } from './destination-repo-sql.js';
import { OperationalEventRepoSql, type OperationalEvent } from './operational-event-repo-sql.js';
import type { SecretCipher } from './secret-cipher.js';
import { newSigningSecret } from './signing-secret.js';
import type { SsrfGuard, SsrfRefusal } from './ssrf-guard.js';

/** A destination as shown to people: everything but the signing secret, with delivery counts. */
export type DestinationView = Omit<DestinationRecord, 'secret'> & { readonly counts?: Record<DeliveryStatus, number> };

/** A delivery with its attempts. */
export type DeliveryView = DeliveryRecord & { readonly attemptLog: readonly AttemptRecord[] };

/** What a person gives to register a destination. */
export interface DestinationInput {
  readonly name: string;
  readonly url: string;
  readonly segments: SegmentSelection;
  readonly emailTargeting?: boolean;
}

/** Expected failures of destination operations. */
export type DestinationFailure =
  | { readonly kind: 'not_found'; readonly what: 'destination' | 'delivery'; readonly id: string }
  | { readonly kind: 'url_forbidden'; readonly refusal: SsrfRefusal }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string };

/** A result: the value, or an expected failure. */
export type DestinationResult<T> = Result<T, DestinationFailure>;

/** Everything the service needs. */
export interface DestinationServiceOptions {
  readonly store: Pick<Store, 'sql' | 'transaction'>;
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
}

function view(d: DestinationRecord, counts?: Record<DeliveryStatus, number>): DestinationView {
  const { secret: _secret, ...rest } = d;
  return counts ? { ...rest, counts } : rest;
}

const fail = <T>(error: DestinationFailure): DestinationResult<T> => ({ ok: false, error });

/**
 * Registering and administering destinations: URL checks by the SSRF guard at registration (and on every
 * URL change), a fresh `whsec_` secret shown once, deliveries with their attempts, replay, re-enable. A new
 * destination starts at the change log's head: it receives changes from its creation on.
 */
export class DestinationService {
  constructor(private readonly options: DestinationServiceOptions) {}

  async create(workspaceId: string, input: DestinationInput): Promise<DestinationResult<{ destination: DestinationView; secret: string }>> {
    const checked = await this.validate(workspaceId, input);
    if (!checked.ok) return checked;
    const now = this.options.clock.now();
    const record: DestinationRecord = {
      id: newId('dst'),
      workspaceId,
      name: input.name.trim(),
      url: checked.value,
      secret: newSigningSecret(),
      segments: input.segments,
      emailTargeting: input.emailTargeting ?? false,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      cursorSeq: await this.options.changeLog.head(),
      consecutiveDead: 0,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    };
    if (record.emailTargeting) await this.options.ensureEligibilitySegment?.(workspaceId);
    await new DestinationRepoSql(this.options.store.sql, this.options.cipher).insert(record);
    this.options.onChange?.();
    return { ok: true, value: { destination: view(record), secret: record.secret } };
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

  /** Renames, re-points (URL checked again), re-selects segments, enables or disables. Enabling clears auto-disable. */
  async update(workspaceId: string, id: string, patch: DestinationPatch): Promise<DestinationResult<DestinationView>> {
    const repo = new DestinationRepoSql(this.options.store.sql, this.options.cipher);
    const current = await repo.get(workspaceId, id);
    if (!current) return fail({ kind: 'not_found', what: 'destination', id });
    const merged: DestinationInput = {
      name: patch.name ?? current.name,
      url: patch.url ?? current.url,
      segments: patch.segments ?? current.segments,
    };
    let url = current.url;
    if (patch.url !== undefined || patch.segments !== undefined || patch.name !== undefined) {
      const checked = await this.validate(workspaceId, merged, patch.url === undefined);
      if (!checked.ok) return checked;
      url = checked.value;
    }
    if (patch.emailTargeting === true) await this.options.ensureEligibilitySegment?.(workspaceId);
    const updated = await repo.update(workspaceId, id, { ...patch, ...(patch.url === undefined ? {} : { url }) }, this.options.clock.now());
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

  /** Operational events about a destination (e.g. `destination.disabled`), newest first. */
  async events(workspaceId: string, id: string, limit = 50): Promise<OperationalEvent[]> {
    return new OperationalEventRepoSql(this.options.store.sql).list(workspaceId, { subject: id, limit });
  }

  private async validate(workspaceId: string, input: DestinationInput, urlUnchanged = false): Promise<DestinationResult<string>> {
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) {
      return fail({ kind: 'invalid', field: 'name', message: 'name must be 1–200 characters' });
    }
    if (input.segments !== 'all') {
      if (!Array.isArray(input.segments) || input.segments.length === 0 || input.segments.some((s) => typeof s !== 'string' || s === '')) {
        return fail({ kind: 'invalid', field: 'segments', message: 'segments must be "all" or a non-empty list of segment ids' });
      }
      if (this.options.segments) {
        for (const s of input.segments) {
          const found = await this.options.segments.get(workspaceId, s);
          if (!found || found.id !== s) {
            return fail({ kind: 'invalid', field: 'segments', message: `no segment with id ${s}` });
          }
        }
      }
    }
    if (urlUnchanged) return { ok: true, value: input.url };
    const checked = await this.options.guard.checkUrl(input.url);
    if (!checked.ok) return fail({ kind: 'url_forbidden', refusal: checked.refusal });
    return { ok: true, value: checked.value.href };
  }
}
