/** One person to add to or remove from an ESP list (or tag). `key` is the delivery's id, to map results back. */
export interface SyncMember {
  readonly key: string;
  /** Lower-cased, trimmed. */
  readonly email: string;
  /** ESP field name → value (the destination's `fields` mapping applied to the person's traits). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Why one member (or a whole call) failed; `retryable` says whether trying again later can help. */
export interface SyncFailure {
  readonly retryable: boolean;
  readonly error: string;
  /** HTTP status of the answer, when one arrived. */
  readonly status?: number;
  /** The ESP's `Retry-After` (or rate-limit reset), in ms from now. */
  readonly retryAfterMs?: number;
}

/**
 * What one provider call came to: the whole call failed (nothing can be assumed done), or it went through with
 * per-member failures (members not named succeeded).
 */
export type SyncResult =
  | { readonly kind: 'done'; readonly failed: ReadonlyMap<string, SyncFailure> }
  | { readonly kind: 'failed'; readonly failure: SyncFailure };

/**
 * One ESP's list (or tag) membership API, as {@link ListSyncDestination} drives it. `add` upserts the contact
 * (email + fields) and puts it on the target without ever changing its subscription status (so a contact who
 * unsubscribed in the ESP stays unsubscribed); `remove` takes it off the target without deleting the contact.
 * Both are idempotent: sending the same members again leaves the ESP as it was.
 */
export interface ListSyncProvider {
  /** Members per `add` call at most (the provider's batch limit). */
  readonly maxAdd: number;
  /** Members per `remove` call at most. */
  readonly maxRemove: number;
  add(target: string, members: readonly SyncMember[]): Promise<SyncResult>;
  remove(target: string, members: readonly SyncMember[]): Promise<SyncResult>;
  /**
   * The emails currently on the target (lower-cased), when the provider's API can list them; undefined when it
   * cannot (resync then re-sends what segflow knows instead of comparing).
   */
  members?(target: string): Promise<{ readonly ok: true; readonly emails: ReadonlySet<string> } | { readonly ok: false; readonly failure: SyncFailure }>;
}

/** The whole call failed: every member gets the same failure. */
export function failedResult(failure: SyncFailure): SyncResult {
  return { kind: 'failed', failure };
}

/** Merges per-member failures of several calls into one result (a whole-call failure fails the members it covered). */
export function mergeResults(parts: readonly { readonly members: readonly SyncMember[]; readonly result: SyncResult }[]): SyncResult {
  const failed = new Map<string, SyncFailure>();
  for (const { members, result } of parts) {
    if (result.kind === 'failed') for (const m of members) failed.set(m.key, result.failure);
    else for (const [k, f] of result.failed) failed.set(k, f);
  }
  return { kind: 'done', failed };
}
