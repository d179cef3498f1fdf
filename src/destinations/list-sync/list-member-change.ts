import type { Profile } from '../../core/index.js';
import type { DestinationRecord } from '../destination-record.js';
import { isEmailEligible } from '../email-eligibility.js';
import type { ListSyncProvider } from './list-sync-provider.js';

/** One person to put on (or take off) an ESP list outside segment sync: a workflow's `add_to_list` step. */
export interface ListMemberChange {
  readonly add: boolean;
  /** The list (or Mailchimp tag); '' means the destination's own `list`. */
  readonly list: string;
  readonly profile: Profile | undefined;
  /** The idempotency id of the request (the workflow action's id). */
  readonly key: string;
}

/** The outcome: done, or why not and whether trying again can help. */
export type ListMemberOutcome = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly error: string; readonly retryAfterMs?: number };

/**
 * Adds one person to, or removes them from, a list of an ESP destination through the same provider the segment
 * sync uses (so the same rules hold: the contact is upserted with the destination's `fields`, its subscription
 * status is never changed, both calls are idempotent). Adding needs a person who may be emailed now (an email, not
 * unsubscribed, bounced or complained, consent not refused): ESP destinations never hold anyone else. Removing
 * needs only an email.
 */
export async function changeListMember(d: DestinationRecord, provider: ListSyncProvider, change: ListMemberChange): Promise<ListMemberOutcome> {
  const target = change.list !== '' ? change.list : (d.config.list ?? '');
  if (target === '') return { ok: false, retryable: false, error: `destination ${d.name} has no list: name one in the step (list: …)` };
  const email = typeof change.profile?.traits['email'] === 'string' ? change.profile.traits['email'].trim().toLowerCase() : '';
  if (email === '') return { ok: false, retryable: false, error: 'the person has no email address' };
  if (change.add && !isEmailEligible(change.profile)) return { ok: false, retryable: false, error: 'the person may not be emailed now (unsubscribed, bounced, complained or consent refused)' };
  const fields: Record<string, unknown> = {};
  for (const [trait, field] of Object.entries(d.config.fields ?? {})) {
    const v = change.profile?.traits[trait];
    if (v !== undefined && v !== null && typeof v !== 'object') fields[field] = v;
  }
  const member = { key: change.key, email, fields };
  try {
    const result = change.add ? await provider.add(target, [member]) : await provider.remove(target, [member]);
    const failure = result.kind === 'failed' ? result.failure : result.failed.get(change.key);
    if (failure === undefined) return { ok: true };
    return { ok: false, retryable: failure.retryable, error: failure.error, ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }) };
  } catch (error) {
    return { ok: false, retryable: true, error: `list sync failed: ${String(error)}` };
  }
}
