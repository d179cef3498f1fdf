import { EspClient, failureOf, type EspClientOptions } from './esp-client.js';
import { mergeResults, type ListSyncProvider, type SyncFailure, type SyncMember, type SyncResult } from './list-sync-provider.js';
import { pollJob, type JobPolling } from './poll-job.js';

/** Klaviyo's API host. */
export const KLAVIYO_BASE_URL = 'https://a.klaviyo.com';

/** The API revision segflow is written against (pinned: Klaviyo changes behaviour by revision). */
export const KLAVIYO_REVISION = '2026-07-15';

/** Klaviyo's own profile attributes; other mapped fields go into `properties`. */
const ATTRIBUTES = new Set(['first_name', 'last_name', 'organization', 'locale', 'title', 'image', 'external_id', 'phone_number']);

/** Options of a {@link KlaviyoListSync}. */
export interface KlaviyoListSyncOptions extends Omit<EspClientOptions, 'headers' | 'contentType'> {
  readonly apiKey: string;
  readonly polling: JobPolling;
  /** Batches up to this many members go out as direct calls; larger ones as one bulk import job (default 10). */
  readonly directLimit?: number;
}

/**
 * Klaviyo lists and profiles (JSON:API, `revision` header pinned to {@link KLAVIYO_REVISION}).
 * - add, small batches: `POST /api/profile-import` per member (creates or updates; answers the profile id), then
 *   `POST /api/lists/{id}/relationships/profiles` with the ids (≤1000). Large batches: one
 *   `POST /api/profile-bulk-import-jobs` (≤10,000 profiles) with the list as a relationship, polled with
 *   `GET /api/profile-bulk-import-jobs/{id}` until `complete`; failed profiles are read from its
 *   `import-errors` and pinned on their members. Adding to a list never changes consent: an unsubscribed
 *   profile stays unsubscribed (segflow never calls the subscribe endpoints).
 * - remove: emails → profile ids with `GET /api/profiles?filter=any(email,[…])` (100 a page), then
 *   `DELETE /api/lists/{id}/relationships/profiles`. Never the bulk *unsubscribe* endpoint: it unsubscribes
 *   globally.
 */
export class KlaviyoListSync implements ListSyncProvider {
  readonly maxAdd = 10_000;
  readonly maxRemove = 100;
  private readonly client: EspClient;

  constructor(private readonly options: KlaviyoListSyncOptions) {
    const { apiKey: _k, polling: _p, directLimit: _d, ...rest } = options;
    this.client = new EspClient({
      ...rest,
      contentType: 'application/vnd.api+json',
      headers: { authorization: `Klaviyo-API-Key ${options.apiKey}`, revision: KLAVIYO_REVISION, accept: 'application/vnd.api+json' },
    });
  }

  async add(list: string, members: readonly SyncMember[]): Promise<SyncResult> {
    if (members.length > (this.options.directLimit ?? 10)) return this.bulkAdd(list, members);
    const failed = new Map<string, SyncFailure>();
    const ids: string[] = [];
    for (const m of members) {
      const r = await this.client.send({ method: 'POST', path: '/api/profile-import', body: { data: profileOf(m) } });
      if (!r.ok) {
        const failure = failureOf(r);
        if (failure.retryable) return { kind: 'failed', failure };
        failed.set(m.key, failure);
        continue;
      }
      const id = (r.json as { data?: { id?: unknown } } | undefined)?.data?.id;
      if (typeof id === 'string') ids.push(id);
      else failed.set(m.key, { retryable: true, error: 'Klaviyo answered the profile import without an id' });
    }
    for (let i = 0; i < ids.length; i += 1000) {
      const r = await this.client.send({
        method: 'POST',
        path: `/api/lists/${encodeURIComponent(list)}/relationships/profiles`,
        body: { data: ids.slice(i, i + 1000).map((id) => ({ type: 'profile', id })) },
      });
      if (!r.ok) return { kind: 'failed', failure: failureOf(r) };
    }
    return { kind: 'done', failed };
  }

  async remove(list: string, members: readonly SyncMember[]): Promise<SyncResult> {
    const ids = await this.idsOf(members.map((m) => m.email));
    if (!ids.ok) return { kind: 'failed', failure: ids.failure };
    if (ids.value.length === 0) return { kind: 'done', failed: new Map() };
    const r = await this.client.send({
      method: 'DELETE',
      path: `/api/lists/${encodeURIComponent(list)}/relationships/profiles`,
      body: { data: ids.value.map((id) => ({ type: 'profile', id })) },
    });
    return r.ok ? { kind: 'done', failed: new Map() } : { kind: 'failed', failure: failureOf(r) };
  }

  async members(list: string): Promise<{ ok: true; emails: ReadonlySet<string> } | { ok: false; failure: SyncFailure }> {
    // The list's relationship endpoint gives profile ids only; their emails come from the profiles endpoint.
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await this.client.send({
        method: 'GET',
        path: `/api/lists/${encodeURIComponent(list)}/relationships/profiles`,
        query: { 'page[size]': '100', ...(cursor ? { 'page[cursor]': cursor } : {}) },
      });
      if (!r.ok) return { ok: false, failure: failureOf(r) };
      const doc = (r.json ?? {}) as { data?: { id?: unknown }[]; links?: { next?: string | null } };
      for (const p of doc.data ?? []) if (typeof p.id === 'string') ids.push(p.id);
      const next = doc.links?.next ? new URL(doc.links.next).searchParams.get('page[cursor]') : null;
      if (!next) break;
      cursor = next;
    }
    const emails = new Set<string>();
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const r = await this.client.send({
        method: 'GET',
        path: '/api/profiles',
        query: { filter: `any(id,[${chunk.map((id) => JSON.stringify(id)).join(',')}])`, 'page[size]': '100', 'fields[profile]': 'email' },
      });
      if (!r.ok) return { ok: false, failure: failureOf(r) };
      for (const p of (r.json as { data?: { attributes?: { email?: unknown } }[] } | undefined)?.data ?? []) {
        if (typeof p.attributes?.email === 'string') emails.add(p.attributes.email.toLowerCase());
      }
    }
    return { ok: true, emails };
  }

  private async idsOf(emails: readonly string[]): Promise<{ ok: true; value: string[] } | { ok: false; failure: SyncFailure }> {
    const out: string[] = [];
    for (let i = 0; i < emails.length; i += 100) {
      const chunk = emails.slice(i, i + 100);
      const r = await this.client.send({
        method: 'GET',
        path: '/api/profiles',
        query: { filter: `any(email,[${chunk.map((e) => JSON.stringify(e)).join(',')}])`, 'page[size]': '100', 'fields[profile]': 'email' },
      });
      if (!r.ok) return { ok: false, failure: failureOf(r) };
      for (const p of (r.json as { data?: { id?: unknown }[] } | undefined)?.data ?? []) if (typeof p.id === 'string') out.push(p.id);
    }
    return { ok: true, value: out };
  }

  private async bulkAdd(list: string, members: readonly SyncMember[]): Promise<SyncResult> {
    const posted = await this.client.send({
      method: 'POST',
      path: '/api/profile-bulk-import-jobs',
      body: {
        data: {
          type: 'profile-bulk-import-job',
          attributes: { profiles: { data: members.map(profileOf) } },
          relationships: { lists: { data: [{ type: 'list', id: list }] } },
        },
      },
    });
    if (!posted.ok) return { kind: 'failed', failure: failureOf(posted) };
    const jobId = (posted.json as { data?: { id?: unknown } } | undefined)?.data?.id;
    if (typeof jobId !== 'string') return { kind: 'failed', failure: { retryable: true, error: 'Klaviyo accepted the import without a job id' } };
    const state = await pollJob<number>(
      `Klaviyo import ${jobId}`,
      async () => {
        const r = await this.client.send({ method: 'GET', path: `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}` });
        if (!r.ok) return { kind: 'failed', failure: failureOf(r) };
        const a = (r.json as { data?: { attributes?: { status?: string; failed_count?: number | null } } } | undefined)?.data?.attributes;
        if (a?.status === 'complete') return { kind: 'finished', value: Number(a.failed_count ?? 0) };
        if (a?.status === 'cancelled') return { kind: 'failed', failure: { retryable: true, error: `Klaviyo import ${jobId} was cancelled` } };
        return { kind: 'running' };
      },
      this.options.polling,
    );
    if (state.kind === 'failed') return state;
    if (state.kind === 'running' || state.value === 0) return { kind: 'done', failed: new Map() };
    return this.importErrors(jobId, members);
  }

  /** Pins a bulk import's failed profiles on their members (by the email in each error's original payload). */
  private async importErrors(jobId: string, members: readonly SyncMember[]): Promise<SyncResult> {
    const byEmail = new Map(members.map((m) => [m.email, m] as const));
    const failed = new Map<string, SyncFailure>();
    let cursor: string | undefined;
    for (;;) {
      const r = await this.client.send({
        method: 'GET',
        path: `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}/import-errors`,
        query: { 'page[size]': '100', ...(cursor ? { 'page[cursor]': cursor } : {}) },
      });
      if (!r.ok) return mergeResults([{ members, result: { kind: 'failed', failure: failureOf(r) } }]);
      const doc = (r.json ?? {}) as {
        data?: { attributes?: { detail?: string; original_payload?: { email?: unknown; attributes?: { email?: unknown } } | null } }[];
        links?: { next?: string | null };
      };
      for (const e of doc.data ?? []) {
        const p = e.attributes?.original_payload;
        const email = typeof p?.email === 'string' ? p.email : typeof p?.attributes?.email === 'string' ? p.attributes.email : undefined;
        const m = email === undefined ? undefined : byEmail.get(email.toLowerCase());
        if (m) failed.set(m.key, { retryable: false, error: `Klaviyo rejected the profile: ${e.attributes?.detail ?? 'import error'}` });
      }
      const next = doc.links?.next ? new URL(doc.links.next).searchParams.get('page[cursor]') : null;
      if (!next) return { kind: 'done', failed };
      cursor = next;
    }
  }
}

function profileOf(m: SyncMember): { type: 'profile'; attributes: Record<string, unknown> } {
  const attributes: Record<string, unknown> = { email: m.email };
  const properties: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(m.fields)) {
    if (value === undefined) continue;
    if (ATTRIBUTES.has(field)) attributes[field] = value === null ? null : String(value);
    else properties[field] = value;
  }
  if (Object.keys(properties).length > 0) attributes.properties = properties;
  return { type: 'profile', attributes };
}
