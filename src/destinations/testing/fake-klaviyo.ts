import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { FakeEspServer, looksLikeEmail, type FakeEspReply, type FakeEspRequest } from './fake-esp-server.js';
import { OpenApiValidator, type MatchedOperation } from './openapi-validator.js';

/** A Klaviyo profile as the fake keeps it. */
export interface FakeKlaviyoProfile {
  readonly id: string;
  readonly email: string;
  attributes: Record<string, unknown>;
  /** Email marketing consent: list membership never changes it. */
  consent: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
}

type ProfileInput = { attributes?: { email?: string | null; [k: string]: unknown } };

/**
 * Klaviyo's lists and profiles API, modelled: profiles by id and email with their consent, list memberships by
 * profile id, profile import (201 new / 200 updated), list relationship add/remove (204), profile search by
 * `any(email,[…])` / `equals(email,…)` / `any(id,[…])` filters, and bulk import jobs that report `complete`
 * after `jobPolls` polls, with invalid profiles listed as import errors. Every request needs the
 * `Klaviyo-API-Key` authorization and the `revision` header (the definition requires it).
 */
export class FakeKlaviyo extends FakeEspServer {
  readonly apiKey = 'pk_test_key';
  readonly profiles = new Map<string, FakeKlaviyoProfile>();
  readonly lists = new Map<string, Set<string>>();
  private readonly jobs = new Map<string, { pollsLeft: number; input: ProfileInput[]; lists: string[]; errors: { email: string; detail: string }[]; done: boolean }>();
  jobPolls = 1;

  private constructor() {
    super(new OpenApiValidator('klaviyo-lists-profiles.openapi.json'));
  }

  static async start(): Promise<FakeKlaviyo> {
    return new FakeKlaviyo().start();
  }

  /** A profile by email. */
  byEmail(email: string): FakeKlaviyoProfile | undefined {
    for (const p of this.profiles.values()) if (p.email === email.toLowerCase()) return p;
    return undefined;
  }

  /** Emails on a list, sorted. */
  listMembers(list: string): string[] {
    return [...(this.lists.get(list) ?? [])].map((id) => this.profiles.get(id)?.email ?? id).sort();
  }

  /** Creates a profile directly (as if it came from elsewhere), optionally on a list. */
  seed(email: string, consent: FakeKlaviyoProfile['consent'], list?: string): FakeKlaviyoProfile {
    const p: FakeKlaviyoProfile = { id: randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase(), email: email.toLowerCase(), attributes: {}, consent };
    this.profiles.set(p.id, p);
    if (list) this.list(list).add(p.id);
    return p;
  }

  protected authorized(headers: IncomingHttpHeaders): boolean {
    return headers.authorization === `Klaviyo-API-Key ${this.apiKey}`;
  }

  protected error(status: number, detail: string): unknown {
    return { errors: [{ id: randomUUID(), status, code: status === 429 ? 'throttled' : 'invalid', title: 'Error', detail, source: { pointer: '/data' } }] };
  }

  protected handle(r: FakeEspRequest, op: MatchedOperation): FakeEspReply {
    switch (op.operationId) {
      case 'create_or_update_profile': {
        const data = (r.json as { data: ProfileInput }).data;
        const result = this.upsert(data);
        if (!result.ok) return { status: 400, body: this.error(400, result.detail) };
        return { status: result.created ? 201 : 200, body: { data: this.view(result.profile) } };
      }
      case 'add_profiles_to_list':
      case 'remove_profiles_from_list': {
        const list = this.list(op.params.id ?? '');
        for (const p of (r.json as { data: { id: string }[] }).data) {
          if (op.operationId === 'add_profiles_to_list') {
            if (!this.profiles.has(p.id)) return { status: 404, body: this.error(404, `profile ${p.id} does not exist`) };
            list.add(p.id);
          } else list.delete(p.id);
        }
        return { status: 204 };
      }
      case 'get_profile_ids_for_list': {
        const ids = [...(this.lists.get(op.params.id ?? '') ?? [])];
        const size = Number(r.query.get('page[size]') ?? 20);
        const start = Number(r.query.get('page[cursor]') ?? 0);
        const page = ids.slice(start, start + size);
        const next = start + size < ids.length ? `${this.origin}${r.path}?page%5Bcursor%5D=${start + size}&page%5Bsize%5D=${size}` : null;
        return { status: 200, body: { data: page.map((id) => ({ type: 'profile', id })), links: { self: `${this.origin}${r.url}`, next } } };
      }
      case 'get_profiles': {
        const filter = r.query.get('filter') ?? '';
        const m = /^(any|equals)\((email|id),\[?(.*?)\]?\)$/.exec(filter);
        if (!m) return { status: 400, body: this.error(400, `unsupported filter ${filter}`) };
        const values = new Set([...(m[3] as string).matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((x) => (x[1] ?? x[2] ?? '').toLowerCase()));
        const found = [...this.profiles.values()].filter((p) => (m[2] === 'email' ? values.has(p.email) : values.has(p.id.toLowerCase())));
        return { status: 200, body: { data: found.map((p) => this.view(p)), links: { self: `${this.origin}${r.url}` } } };
      }
      case 'bulk_import_profiles': {
        const data = (r.json as { data: { attributes: { profiles: { data: ProfileInput[] } }; relationships?: { lists?: { data: { id: string }[] } } } }).data;
        const id = randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase();
        this.jobs.set(id, { pollsLeft: this.jobPolls, input: data.attributes.profiles.data, lists: (data.relationships?.lists?.data ?? []).map((l) => l.id), errors: [], done: false });
        return { status: 202, body: { data: this.jobView(id) } };
      }
      case 'get_bulk_import_profiles_job': {
        const job = this.jobs.get(op.params.job_id ?? '');
        if (!job) return { status: 404, body: this.error(404, 'job not found') };
        if (!job.done && job.pollsLeft-- <= 0) {
          for (const input of job.input) {
            const result = this.upsert(input);
            if (!result.ok) job.errors.push({ email: String(input.attributes?.email ?? ''), detail: result.detail });
            else for (const l of job.lists) this.list(l).add(result.profile.id);
          }
          job.done = true;
        }
        return { status: 200, body: { data: this.jobView(op.params.job_id ?? '') } };
      }
      case 'get_errors_for_bulk_import_profiles_job': {
        const job = this.jobs.get(op.params.id ?? '');
        if (!job) return { status: 404, body: this.error(404, 'job not found') };
        return {
          status: 200,
          body: {
            data: job.errors.map((e, i) => ({
              type: 'import-error',
              id: String(i),
              attributes: { code: 'invalid', title: 'Invalid input', detail: e.detail, source: { pointer: '/data' }, original_payload: { email: e.email } },
            })),
            links: { self: `${this.origin}${r.url}` },
          },
        };
      }
      default:
        return { status: 501, body: this.error(501, `${op.operationId} is not modelled by the fake`) };
    }
  }

  private upsert(input: ProfileInput): { ok: true; created: boolean; profile: FakeKlaviyoProfile } | { ok: false; detail: string } {
    const email = input.attributes?.email;
    if (!looksLikeEmail(email)) return { ok: false, detail: `Invalid email address: ${String(email)}` };
    const { email: _e, ...attributes } = input.attributes ?? {};
    const existing = this.byEmail(email);
    if (existing) {
      existing.attributes = { ...existing.attributes, ...attributes };
      return { ok: true, created: false, profile: existing };
    }
    const profile = this.seed(email, 'NEVER_SUBSCRIBED');
    profile.attributes = attributes;
    return { ok: true, created: true, profile };
  }

  private list(id: string): Set<string> {
    let l = this.lists.get(id);
    if (!l) this.lists.set(id, (l = new Set()));
    return l;
  }

  private view(p: FakeKlaviyoProfile): unknown {
    return { type: 'profile', id: p.id, attributes: { email: p.email, ...p.attributes }, links: { self: `${this.origin}/api/profiles/${p.id}` } };
  }

  private jobView(id: string): unknown {
    const j = this.jobs.get(id);
    return {
      type: 'profile-bulk-import-job',
      id,
      attributes: {
        status: j?.done ? 'complete' : 'queued',
        created_at: new Date(0).toISOString(),
        total_count: j?.input.length ?? 0,
        completed_count: j?.done ? j.input.length - j.errors.length : 0,
        failed_count: j?.done ? j.errors.length : 0,
      },
    };
  }
}
