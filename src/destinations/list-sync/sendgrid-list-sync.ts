import { EspClient, failureOf, type EspClientOptions } from './esp-client.js';
import { mergeResults, type ListSyncProvider, type SyncFailure, type SyncMember, type SyncResult } from './list-sync-provider.js';
import { pollJob, type JobPolling, type JobState } from './poll-job.js';

/** SendGrid's own API host. */
export const SENDGRID_BASE_URL = 'https://api.sendgrid.com';

/** SendGrid's reserved contact fields: a mapped field with one of these names is sent as is, others as custom fields. */
const RESERVED = new Set([
  'first_name',
  'last_name',
  'address_line_1',
  'address_line_2',
  'city',
  'state_province_region',
  'postal_code',
  'country',
  'alternate_emails',
  'external_id',
  'phone_number_id',
]);

/** Options of a {@link SendGridListSync}. */
export interface SendGridListSyncOptions extends Omit<EspClientOptions, 'headers' | 'contentType'> {
  readonly apiKey: string;
  readonly polling: JobPolling;
}

interface ContactImport {
  readonly status?: string;
  readonly results?: { readonly requested_count?: number; readonly errored_count?: number };
}

/**
 * SendGrid Marketing Campaigns (new) contacts and lists.
 * - add: `PUT /v3/marketing/contacts` with `list_ids: [list]` (≤30,000 contacts a call; 202 with a `job_id`),
 *   then `GET /v3/marketing/contacts/imports/{job_id}` until `completed` / `errored` / `failed`. An upsert never
 *   touches SendGrid's unsubscribe groups or global suppressions, so an unsubscribed contact stays so. When a
 *   job reports errored contacts without saying which (the details are a file at `errors_url`), the batch is
 *   upserted again one contact at a time to pin the failures on the right people.
 * - remove: emails → contact ids with `POST /v3/marketing/contacts/search/emails` (≤100 a call; 404 = none
 *   known, which is nothing to remove), then `DELETE /v3/marketing/lists/{id}/contacts?contact_ids=…` (202 with
 *   a `job_id`, polled the same way; a job id the status endpoint does not know counts as accepted). Contacts are
 *   never deleted.
 */
export class SendGridListSync implements ListSyncProvider {
  readonly maxAdd = 30_000;
  readonly maxRemove = 100;
  private readonly client: EspClient;

  constructor(private readonly options: SendGridListSyncOptions) {
    const { apiKey: _key, polling: _polling, ...rest } = options;
    this.client = new EspClient({ ...rest, headers: { authorization: `Bearer ${options.apiKey}` } });
  }

  async add(list: string, members: readonly SyncMember[]): Promise<SyncResult> {
    const outcome = await this.upsert(list, members);
    if (outcome.kind === 'failed') return outcome;
    if (outcome.errored === 0) return { kind: 'done', failed: new Map() };
    if (members.length === 1) {
      const only = members[0] as SyncMember;
      return { kind: 'done', failed: new Map([[only.key, { retryable: false, error: 'SendGrid rejected the contact (import job errored)' }]]) };
    }
    const parts: { members: readonly SyncMember[]; result: SyncResult }[] = [];
    for (const m of members) parts.push({ members: [m], result: await this.add(list, [m]) });
    return mergeResults(parts);
  }

  async remove(list: string, members: readonly SyncMember[]): Promise<SyncResult> {
    const found = await this.client.send({ method: 'POST', path: '/v3/marketing/contacts/search/emails', body: { emails: members.map((m) => m.email) } });
    if (!found.ok && found.status === 404) return { kind: 'done', failed: new Map() };
    if (!found.ok) return { kind: 'failed', failure: failureOf(found) };
    const ids: string[] = [];
    const result = (found.json as { result?: Record<string, { contact?: { id?: string } }> } | undefined)?.result ?? {};
    for (const m of members) {
      const id = result[m.email]?.contact?.id;
      if (typeof id === 'string') ids.push(id);
    }
    if (ids.length === 0) return { kind: 'done', failed: new Map() };
    const deleted = await this.client.send({
      method: 'DELETE',
      path: `/v3/marketing/lists/${encodeURIComponent(list)}/contacts`,
      query: { contact_ids: ids.join(',') },
    });
    if (!deleted.ok) return { kind: 'failed', failure: failureOf(deleted) };
    const jobId = (deleted.json as { job_id?: unknown } | undefined)?.job_id;
    if (typeof jobId !== 'string') return { kind: 'done', failed: new Map() };
    const job = await this.waitForJob(jobId, true);
    return job.kind === 'failed' ? job : { kind: 'done', failed: new Map() };
  }

  private async upsert(list: string, members: readonly SyncMember[]): Promise<{ kind: 'ok'; errored: number } | { kind: 'failed'; failure: SyncFailure }> {
    const contacts = members.map((m) => contactOf(m));
    const put = await this.client.send({ method: 'PUT', path: '/v3/marketing/contacts', body: { list_ids: [list], contacts } });
    if (!put.ok) return { kind: 'failed', failure: failureOf(put) };
    const jobId = (put.json as { job_id?: unknown } | undefined)?.job_id;
    if (typeof jobId !== 'string') return { kind: 'failed', failure: { retryable: true, error: 'SendGrid accepted the upsert without a job_id' } };
    const job = await this.waitForJob(jobId, false);
    if (job.kind === 'failed') return job;
    return { kind: 'ok', errored: job.kind === 'finished' ? job.value : 0 };
  }

  /** Polls an import/upsert/delete job; its value is the errored count. */
  private waitForJob(jobId: string, unknownIsDone: boolean): Promise<JobState<number>> {
    return pollJob<number>(
      `SendGrid job ${jobId}`,
      async () => {
        const r = await this.client.send({ method: 'GET', path: `/v3/marketing/contacts/imports/${encodeURIComponent(jobId)}` });
        if (!r.ok && r.status === 404 && unknownIsDone) return { kind: 'finished', value: 0 };
        if (!r.ok) return { kind: 'failed', failure: failureOf(r) };
        const job = (r.json ?? {}) as ContactImport;
        switch (job.status) {
          case 'completed':
            return { kind: 'finished', value: 0 };
          case 'errored':
            return { kind: 'finished', value: Math.max(1, Number(job.results?.errored_count ?? 1)) };
          case 'failed':
            return { kind: 'failed', failure: { retryable: true, error: `SendGrid job ${jobId} failed` } };
          default:
            return { kind: 'running' };
        }
      },
      this.options.polling,
    );
  }
}

function contactOf(m: SyncMember): Record<string, unknown> {
  const contact: Record<string, unknown> = { email: m.email };
  const custom: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(m.fields)) {
    if (value === undefined || value === null) continue;
    if (RESERVED.has(field)) contact[field] = field === 'alternate_emails' ? value : String(value);
    else custom[field] = typeof value === 'number' ? value : String(value);
  }
  if (Object.keys(custom).length > 0) contact.custom_fields = custom;
  return contact;
}
