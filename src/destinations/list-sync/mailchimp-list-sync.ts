import { createHash } from 'node:crypto';
import { EspClient, failureOf, type EspClientOptions } from './esp-client.js';
import { mergeResults, type ListSyncProvider, type SyncFailure, type SyncMember, type SyncResult } from './list-sync-provider.js';
import { pollJob, type JobPolling } from './poll-job.js';

/** The API host of a Mailchimp data centre (`us6` → `https://us6.api.mailchimp.com`). */
export function mailchimpBaseUrl(dataCenter: string): string {
  return `https://${dataCenter}.api.mailchimp.com`;
}

/** The data centre a Mailchimp API key names after its dash (`…-us6` → `us6`), if any. */
export function mailchimpDataCenterOf(apiKey: string): string | undefined {
  const m = /-([a-z]+\d+)$/.exec(apiKey.trim());
  return m?.[1];
}

/** Mailchimp's member id: the MD5 (hex) of the lower-cased email. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Options of a {@link MailchimpListSync}. */
export interface MailchimpListSyncOptions extends Omit<EspClientOptions, 'headers' | 'contentType'> {
  readonly apiKey: string;
  /** The audience (list) id. */
  readonly audience: string;
  /** Status a contact new to the audience gets (default `subscribed`; `pending` sends Mailchimp's opt-in email). */
  readonly statusIfNew?: 'subscribed' | 'pending' | 'transactional';
  readonly polling: JobPolling;
  /** Batches up to this many members go out as direct calls; larger ones as one `/3.0/batches` job (default 10). */
  readonly directLimit?: number;
}

interface Op {
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly body: unknown;
}

/**
 * Mailchimp Marketing API: a segment is a **tag** on members of one audience.
 * - add: `PUT /3.0/lists/{list}/members/{md5}` with `email_address`, `status_if_new` and `merge_fields`
 *   (never `status`: an existing member's status — unsubscribed, cleaned — is left as it is), then
 *   `POST …/members/{md5}/tags` with the tag `active` and `is_syncing: true` (so tag automations do not fire on
 *   a bulk sync).
 * - remove: the same tags call with the tag `inactive`; a member not in the audience (404) has nothing to
 *   remove. The member is never deleted or unsubscribed.
 * Small batches go out as direct calls, at most 10 at a time (Mailchimp's connection limit); larger ones as one
 * `POST /3.0/batches` job of the same operations (body as a JSON string), polled with `GET /3.0/batches/{id}`
 * until `finished`. A job with errored operations (whose details are only in a gzipped archive) is re-run as
 * direct calls to pin each failure on its member — the operations are idempotent.
 */
export class MailchimpListSync implements ListSyncProvider {
  readonly maxAdd = 500;
  readonly maxRemove = 500;
  private readonly client: EspClient;

  constructor(private readonly options: MailchimpListSyncOptions) {
    const { apiKey: _k, audience: _a, statusIfNew: _s, polling: _p, directLimit: _d, ...rest } = options;
    this.client = new EspClient({ ...rest, headers: { authorization: `Bearer ${options.apiKey}` } });
  }

  add(tag: string, members: readonly SyncMember[]): Promise<SyncResult> {
    return this.run(members, (m) => [
      {
        method: 'PUT',
        path: `/lists/${encodeURIComponent(this.options.audience)}/members/${subscriberHash(m.email)}`,
        body: {
          email_address: m.email,
          status_if_new: this.options.statusIfNew ?? 'subscribed',
          ...(Object.keys(m.fields).length > 0 ? { merge_fields: m.fields } : {}),
        },
      },
      this.tagOp(m, tag, 'active'),
    ]);
  }

  remove(tag: string, members: readonly SyncMember[]): Promise<SyncResult> {
    return this.run(members, (m) => [this.tagOp(m, tag, 'inactive')], true);
  }

  private tagOp(m: SyncMember, tag: string, status: 'active' | 'inactive'): Op {
    return {
      method: 'POST',
      path: `/lists/${encodeURIComponent(this.options.audience)}/members/${subscriberHash(m.email)}/tags`,
      body: { tags: [{ name: tag, status }], is_syncing: true },
    };
  }

  private async run(members: readonly SyncMember[], opsOf: (m: SyncMember) => Op[], missingIsDone = false): Promise<SyncResult> {
    if (members.length > (this.options.directLimit ?? 10)) {
      const batch = await this.batch(members.flatMap((m) => opsOf(m).map((op) => ({ ...op, operation_id: m.key }))));
      if (batch.kind === 'failed') return batch;
      if (batch.errored === 0) return { kind: 'done', failed: new Map() };
    }
    const parts: { members: readonly SyncMember[]; result: SyncResult }[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < members.length) {
        const m = members[next++] as SyncMember;
        parts.push({ members: [m], result: await this.direct(m, opsOf(m), missingIsDone) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(10, members.length) }, lane));
    return mergeResults(parts);
  }

  private async direct(m: SyncMember, ops: readonly Op[], missingIsDone: boolean): Promise<SyncResult> {
    for (const op of ops) {
      const r = await this.client.send({ method: op.method, path: `/3.0${op.path}`, body: op.body });
      if (!r.ok && r.status === 404 && missingIsDone) return { kind: 'done', failed: new Map() };
      if (!r.ok) {
        const failure = failureOf(r);
        // A whole-call failure (rate limit, outage) is the batch's; a 4xx about this member is the member's.
        return failure.retryable ? { kind: 'failed', failure } : { kind: 'done', failed: new Map([[m.key, failure]]) };
      }
    }
    return { kind: 'done', failed: new Map() };
  }

  private async batch(operations: readonly (Op & { operation_id: string })[]): Promise<{ kind: 'ok'; errored: number } | { kind: 'failed'; failure: SyncFailure }> {
    const posted = await this.client.send({
      method: 'POST',
      path: '/3.0/batches',
      body: { operations: operations.map((op) => ({ method: op.method, path: op.path, operation_id: op.operation_id, body: JSON.stringify(op.body) })) },
    });
    if (!posted.ok) return { kind: 'failed', failure: failureOf(posted) };
    const id = (posted.json as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return { kind: 'failed', failure: { retryable: true, error: 'Mailchimp accepted the batch without an id' } };
    const state = await pollJob<number>(
      `Mailchimp batch ${id}`,
      async () => {
        const r = await this.client.send({ method: 'GET', path: `/3.0/batches/${encodeURIComponent(id)}` });
        if (!r.ok) return { kind: 'failed', failure: failureOf(r) };
        const b = (r.json ?? {}) as { status?: string; errored_operations?: number };
        return b.status === 'finished' ? { kind: 'finished', value: Number(b.errored_operations ?? 0) } : { kind: 'running' };
      },
      this.options.polling,
    );
    if (state.kind === 'failed') return state;
    return { kind: 'ok', errored: state.kind === 'finished' ? state.value : 0 };
  }
}
