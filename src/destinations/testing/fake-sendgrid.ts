import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { FakeEspServer, looksLikeEmail, type FakeEspReply, type FakeEspRequest } from './fake-esp-server.js';
import { OpenApiValidator } from './openapi-validator.js';
import type { MatchedOperation } from './openapi-validator.js';

/** A SendGrid contact as the fake keeps it. */
export interface FakeSendGridContact {
  readonly id: string;
  readonly email: string;
  readonly listIds: Set<string>;
  fields: Record<string, unknown>;
}

interface Job {
  readonly type: 'upsert' | 'delete';
  pollsLeft: number;
  readonly apply: () => number;
  errored: number;
  done: boolean;
}

/**
 * SendGrid Marketing Campaigns, modelled: contacts by email with their list ids; upserts and list removals are
 * asynchronous jobs (202 + `job_id`) that finish after `jobPolls` status polls (the changes apply then);
 * invalid emails make the job `errored`. Global unsubscribes (`unsubscribed`) are SendGrid's own and are never
 * changed by the marketing contacts API — the fake keeps them to show that.
 */
export class FakeSendGrid extends FakeEspServer {
  readonly apiKey = 'SG.test-key';
  readonly contacts = new Map<string, FakeSendGridContact>();
  readonly unsubscribed = new Set<string>();
  private readonly jobs = new Map<string, Job>();
  /** Polls answered `pending` before a job completes. */
  jobPolls = 1;

  private constructor() {
    super(new OpenApiValidator('sendgrid-marketing-contacts.openapi.json'));
  }

  static async start(): Promise<FakeSendGrid> {
    return new FakeSendGrid().start();
  }

  /** Emails on a list, sorted. */
  listMembers(listId: string): string[] {
    return [...this.contacts.values()].filter((c) => c.listIds.has(listId)).map((c) => c.email).sort();
  }

  protected authorized(headers: IncomingHttpHeaders): boolean {
    return headers.authorization === `Bearer ${this.apiKey}`;
  }

  protected error(_status: number, message: string): unknown {
    return { errors: [{ field: null, message }] };
  }

  protected handle(r: FakeEspRequest, op: MatchedOperation): FakeEspReply {
    switch (op.operationId) {
      case 'UpdateContact': {
        const body = r.json as { list_ids?: string[]; contacts: { email?: string; [k: string]: unknown }[] };
        return this.job('upsert', () => {
          let errored = 0;
          for (const c of body.contacts) {
            if (!looksLikeEmail(c.email)) {
              errored++;
              continue;
            }
            const email = c.email.toLowerCase();
            const contact = this.contacts.get(email) ?? { id: randomUUID(), email, listIds: new Set<string>(), fields: {} };
            const { email: _e, ...fields } = c;
            contact.fields = { ...contact.fields, ...fields };
            for (const l of body.list_ids ?? []) contact.listIds.add(l);
            this.contacts.set(email, contact);
          }
          return errored;
        });
      }
      case 'GetImportContact': {
        const job = this.jobs.get(op.params.id ?? '');
        if (!job) return { status: 404, body: this.error(404, 'job not found') };
        if (!job.done && job.pollsLeft-- <= 0) {
          job.errored = job.apply();
          job.done = true;
        }
        const status = !job.done ? 'pending' : job.errored > 0 ? 'errored' : 'completed';
        return {
          status: 200,
          body: {
            id: op.params.id,
            status,
            job_type: job.type,
            results: job.done ? { requested_count: 1, errored_count: job.errored, ...(job.errored > 0 ? { errors_url: `${this.origin}/errors.csv` } : {}) } : {},
          },
        };
      }
      case 'ListContactByEmail': {
        const emails = (r.json as { emails: string[] }).emails;
        const result: Record<string, unknown> = {};
        for (const e of emails) {
          const c = this.contacts.get(e.toLowerCase());
          result[e] = c ? { contact: { id: c.id, email: c.email, list_ids: [...c.listIds] } } : { error: 'contact not found' };
        }
        if (emails.every((e) => !this.contacts.has(e.toLowerCase()))) return { status: 404, body: this.error(404, 'no contacts found') };
        return { status: 200, body: { result } };
      }
      case 'DeleteContact': {
        const list = op.params.id ?? '';
        const ids = (r.query.get('contact_ids') ?? '').split(',');
        return this.job('delete', () => {
          for (const c of this.contacts.values()) if (ids.includes(c.id)) c.listIds.delete(list);
          return 0;
        });
      }
      default:
        return { status: 501, body: this.error(501, `${op.operationId} is not modelled by the fake`) };
    }
  }

  private job(type: Job['type'], apply: () => number): FakeEspReply {
    const id = randomUUID();
    this.jobs.set(id, { type, pollsLeft: this.jobPolls, apply, errored: 0, done: false });
    return { status: 202, body: { job_id: id } };
  }
}
