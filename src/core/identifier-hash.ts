import { createHash } from 'node:crypto';
import type { IdentityKind } from './profile.js';

/**
 * The tombstone form of one identifier: SHA-256 of workspace, kind and value (emails already normalised),
 * hex. An erasure keeps only these, so later messages naming the person can be recognised (suppression) while
 * the identifier itself is gone. Unsalted by design: ingestion must recompute it from a message alone. A hash
 * of a guessable identifier (an email) can be confirmed by someone who already holds the identifier and the
 * database; it cannot be listed back (docs/privacy.md).
 */
export function identifierHash(workspaceId: string, kind: IdentityKind, value: string): string {
  return createHash('sha256').update(`${workspaceId}\u0000${kind}\u0000${value}`).digest('hex');
}
