import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { FakeEspServer, looksLikeEmail, type FakeEspReply, type FakeEspRequest } from './fake-esp-server.js';
import { OpenApiValidator, type MatchedOperation } from './openapi-validator.js';

/** A Mailchimp audience member as the fake keeps it. */
export interface FakeMailchimpMember {
  readonly email: string;
  status: 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';
  readonly tags: Set<string>;
  mergeFields: Record<string, unknown>;
}

const md5 = (s: string): string => createHash('md5').update(s.trim().toLowerCase()).digest('hex');

/**
 * Mailchimp Marketing API, modelled: audience members by subscriber hash with status, tags and merge fields.
 * `PUT …/members/{hash}` creates with `status_if_new` or updates (keeping the status unless `status` is sent);
 * `POST …/members/{hash}/tags` answers 204 (404 for an unknown member); `POST /3.0/batches` runs the same
 * operations as a job that reports `finished` after `jobPolls` polls, with `errored_operations` counted.
 */
export class FakeMailchimp extends FakeEspServer {
  readonly apiKey = 'mc-test-key-us6';
  readonly audiences = new Map<string, Map<string, FakeMailchimpMember>>();
  private readonly batches = new Map<string, { pollsLeft: number; ops: { method: string; path: string; body?: string }[]; errored: number; done: boolean }>();
  jobPolls = 1;

  private constructor() {
    super(new OpenApiValidator('mailchimp-marketing-audiences.openapi.json'));
  }

  static async start(): Promise<FakeMailchimp> {
    return new FakeMailchimp().start();
  }

  /** A member of an audience by email. */
  member(audience: string, email: string): FakeMailchimpMember | undefined {
    return this.audiences.get(audience)?.get(md5(email));
  }

  /** Adds a member directly (as if they signed up or unsubscribed in Mailchimp). */
  seed(audience: string, email: string, status: FakeMailchimpMember['status'], tags: string[] = []): void {
    this.audience(audience).set(md5(email), { email: email.toLowerCase(), status, tags: new Set(tags), mergeFields: {} });
  }

  /** Emails carrying a tag, sorted. */
  tagged(audience: string, tag: string): string[] {
    return [...(this.audiences.get(audience)?.values() ?? [])].filter((m) => m.tags.has(tag)).map((m) => m.email).sort();
  }

  protected authorized(headers: IncomingHttpHeaders): boolean {
    const auth = headers.authorization ?? '';
    if (auth === `Bearer ${this.apiKey}`) return true;
    const basic = /^Basic (.+)$/.exec(auth);
    return basic ? Buffer.from(basic[1] as string, 'base64').toString('utf8').split(':')[1] === this.apiKey : false;
  }

  protected error(status: number, detail: string): unknown {
    return { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: status === 404 ? 'Resource Not Found' : 'Invalid Resource', status, detail, instance: randomUUID() };
  }

  protected handle(r: FakeEspRequest, op: MatchedOperation): FakeEspReply {
    switch (op.operationId) {
      case 'putListsIdMembersId':
        return this.putMember(op.params.list_id ?? '', op.params.subscriber_hash ?? '', r.json as Record<string, unknown>);
      case 'postListMemberTags':
        return this.tags(op.params.list_id ?? '', op.params.subscriber_hash ?? '', r.json as { tags: { name: string; status: string }[] });
      case 'postBatches': {
        const id = randomUUID().slice(0, 10);
        const ops = (r.json as { operations: { method: string; path: string; body?: string }[] }).operations;
        this.batches.set(id, { pollsLeft: this.jobPolls, ops, errored: 0, done: false });
        return { status: 200, body: this.batchView(id) };
      }
      case 'getBatchesId': {
        const b = this.batches.get(op.params.batch_id ?? '');
        if (!b) return { status: 404, body: this.error(404, 'batch not found') };
        if (!b.done && b.pollsLeft-- <= 0) {
          for (const o of b.ops) {
            const reply = this.runOperation(o);
            if (reply.status >= 400) b.errored++;
          }
          b.done = true;
        }
        return { status: 200, body: this.batchView(op.params.batch_id ?? '') };
      }
      default:
        return { status: 501, body: this.error(501, `${op.operationId} is not modelled by the fake`) };
    }
  }

  /** Runs one operation of a batch as if it were its own request (validated against the definition too). */
  private runOperation(o: { method: string; path: string; body?: string }): FakeEspReply {
    const path = `/3.0${o.path}`;
    const violations = this.validator.validate({ method: o.method.toUpperCase(), url: path, headers: { 'content-type': 'application/json' }, body: o.body ?? '' });
    if (violations.length > 0) {
      this.requests.push({ method: o.method.toUpperCase(), url: `(batch) ${path}`, path, query: new URLSearchParams(), headers: {}, body: o.body ?? '', json: undefined, operationId: undefined, params: {}, violations });
      return { status: 400 };
    }
    const m = this.validator.match(o.method, path);
    const body = o.body ? (JSON.parse(o.body) as Record<string, unknown>) : {};
    if (m?.operationId === 'putListsIdMembersId') return this.putMember(m.params.list_id ?? '', m.params.subscriber_hash ?? '', body);
    if (m?.operationId === 'postListMemberTags') return this.tags(m.params.list_id ?? '', m.params.subscriber_hash ?? '', body as { tags: { name: string; status: string }[] });
    return { status: 400 };
  }

  private putMember(list: string, hash: string, body: Record<string, unknown>): FakeEspReply {
    const email = body.email_address;
    const audience = this.audience(list);
    const existing = audience.get(hash);
    if (!existing) {
      if (!looksLikeEmail(email) || md5(email) !== hash) return { status: 400, body: this.error(400, `${String(email)} looks fake or invalid, please enter a real email address.`) };
      const status = (body.status ?? body.status_if_new) as FakeMailchimpMember['status'] | undefined;
      if (!status) return { status: 400, body: this.error(400, 'status or status_if_new is required for a new member') };
      audience.set(hash, { email: email.toLowerCase(), status, tags: new Set(), mergeFields: (body.merge_fields as Record<string, unknown>) ?? {} });
    } else {
      if (typeof body.status === 'string') existing.status = body.status as FakeMailchimpMember['status'];
      existing.mergeFields = { ...existing.mergeFields, ...((body.merge_fields as Record<string, unknown>) ?? {}) };
    }
    const m = audience.get(hash) as FakeMailchimpMember;
    return { status: 200, body: { id: hash, email_address: m.email, status: m.status, merge_fields: m.mergeFields, list_id: list } };
  }

  private tags(list: string, hash: string, body: { tags: { name: string; status: string }[] }): FakeEspReply {
    const m = this.audiences.get(list)?.get(hash);
    if (!m) return { status: 404, body: this.error(404, 'The requested resource could not be found.') };
    for (const t of body.tags) {
      if (t.status === 'active') m.tags.add(t.name);
      else m.tags.delete(t.name);
    }
    return { status: 204 };
  }

  private audience(list: string): Map<string, FakeMailchimpMember> {
    let a = this.audiences.get(list);
    if (!a) this.audiences.set(list, (a = new Map()));
    return a;
  }

  private batchView(id: string): unknown {
    const b = this.batches.get(id);
    return {
      id,
      status: b?.done ? 'finished' : 'pending',
      total_operations: b?.ops.length ?? 0,
      finished_operations: b?.done ? b.ops.length : 0,
      errored_operations: b?.errored ?? 0,
      submitted_at: new Date(0).toISOString(),
      completed_at: '',
      response_body_url: '',
    };
  }
}
