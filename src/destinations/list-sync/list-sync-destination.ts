import type { Clock } from '../../core/index.js';
import type { DeliveryOutcome, Destination, OutboundMessage } from '../destination.js';
import type { ListSyncProvider, SyncFailure, SyncMember, SyncResult } from './list-sync-provider.js';

/** How a {@link ListSyncDestination} maps messages onto the provider. */
export interface ListSyncDestinationOptions {
  readonly provider: ListSyncProvider;
  readonly clock: Clock;
  /** The list (or tag) a segment's members go to. */
  readonly targetOf: (segment: { readonly id: string; readonly name: string }) => string;
  /** segflow trait name → ESP field name: the traits sent with each contact. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A {@link Destination} that keeps ESP lists in step with segments: each `segment.entered` adds the person to
 * the segment's list (or tag), each `segment.exited` takes them off. Messages of one batch are grouped by
 * target and direction and cut to the provider's batch limits; a failure of a whole call (rate limit, outage,
 * bad key) fails the members of that call alone, a failure about one contact fails that message alone.
 * People without an email cannot be synced: their messages fail permanently (email-targeting keeps them out in
 * the first place).
 */
export class ListSyncDestination implements Destination {
  constructor(private readonly options: ListSyncDestinationOptions) {}

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    const [outcome] = await this.deliverBatch([message]);
    return outcome as DeliveryOutcome;
  }

  async deliverBatch(messages: readonly OutboundMessage[]): Promise<DeliveryOutcome[]> {
    const { clock, provider } = this.options;
    const started = clock.now();
    const failures = new Map<string, SyncFailure>();
    const groups = new Map<string, { add: boolean; target: string; members: SyncMember[] }>();
    for (const m of messages) {
      const email = m.payload.data.profile.email?.trim().toLowerCase();
      if (!email) {
        failures.set(m.id, { retryable: false, error: 'the person has no email address to sync' });
        continue;
      }
      const add = m.payload.type === 'segment.entered';
      const target = this.options.targetOf(m.payload.data.segment);
      const key = `${add ? '+' : '-'}${target}`;
      const group = groups.get(key) ?? { add, target, members: [] };
      group.members.push({ key: m.id, email, fields: this.fieldsOf(m) });
      groups.set(key, group);
    }
    for (const { add, target, members } of groups.values()) {
      const max = add ? provider.maxAdd : provider.maxRemove;
      for (let i = 0; i < members.length; i += max) {
        const chunk = members.slice(i, i + max);
        let result: SyncResult;
        try {
          result = add ? await provider.add(target, chunk) : await provider.remove(target, chunk);
        } catch (err) {
          result = { kind: 'failed', failure: { retryable: true, error: `list sync failed: ${String(err)}` } };
        }
        if (result.kind === 'failed') for (const c of chunk) failures.set(c.key, result.failure);
        else for (const [k, f] of result.failed) failures.set(k, f);
      }
    }
    const durationMs = Math.max(0, clock.now() - started);
    return messages.map((m): DeliveryOutcome => {
      const f = failures.get(m.id);
      if (!f) return { ok: true, status: 200, durationMs };
      return {
        ok: false,
        retryable: f.retryable,
        error: f.error,
        durationMs,
        ...(f.status === undefined ? {} : { status: f.status }),
        ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
      };
    });
  }

  private fieldsOf(m: OutboundMessage): Record<string, unknown> {
    const traits = m.payload.data.profile.traits ?? {};
    const out: Record<string, unknown> = {};
    for (const [trait, field] of Object.entries(this.options.fields)) {
      const v = traits[trait];
      if (v !== undefined && v !== null && typeof v !== 'object') out[field] = v;
    }
    return out;
  }
}
