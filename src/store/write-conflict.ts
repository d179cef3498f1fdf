/**
 * Thrown by {@link ProfileRepo.addIdentity} (and `createWithIdentities`) when the identity belongs to another
 * profile. Within one transaction that is a bug in the caller (identity resolution must merge first); across
 * processes it is a race: another writer saw the same new identifier and committed its profile first (on
 * PostgreSQL our INSERT … ON CONFLICT DO NOTHING waited for that commit, then found the row taken). Either way
 * nothing was written by this call; {@link isWriteConflict} tells a caller that re-running its transaction
 * will see the other writer's profile.
 */
export class IdentityTakenError extends Error {
  constructor(
    readonly kind: string,
    readonly value: string,
    readonly owner: string | undefined,
    readonly profileId: string,
  ) {
    super(`identity ${kind}:${value} already belongs to profile ${owner ?? '?'}, not ${profileId}`);
    this.name = 'IdentityTakenError';
  }
}

/** PostgreSQL's `deadlock_detected` and `serialization_failure`: the transaction was aborted and may be re-run. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/**
 * True when `error` means the transaction lost a race with another writer and running it again from the
 * start can succeed: an {@link IdentityTakenError}, or a PostgreSQL deadlock or serialization failure (two
 * transactions inserting the same new identifiers in opposite orders wait on each other's unique-index
 * entries; PostgreSQL aborts one). Anything else is not a conflict.
 */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof IdentityTakenError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}
