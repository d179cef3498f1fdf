import { createHash } from 'node:crypto';

/** Fields that change between retries of the same message and so must not enter a derived id. */
const VOLATILE_FIELDS = new Set(['messageId', 'sentAt', 'receivedAt', 'writeKey']);

/** JSON with object keys sorted at every level, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The dedupe key of a message within its workspace: the client's `messageId`, or, when absent, `sfd_` and a
 * SHA-256 of the message's canonical content (without the fields a retry changes: `sentAt`, `receivedAt`,
 * `writeKey`). A retried message without messageId thus dedupes too; two genuinely identical messages
 * without messageId and without timestamp collapse into one, which is the documented price.
 */
export function messageIdOf(raw: Readonly<Record<string, unknown>>, type: string): string {
  const given = raw.messageId;
  // The store writes NUL as U+FFFD (PostgreSQL text cannot hold it): the id must be the one the store hands back,
  // or the pipeline would not find its own insert and would report the message as a duplicate.
  if (typeof given === 'string' && given.trim() !== '') return given.trim().replaceAll('\0', '\ufffd');
  const content: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(raw)) {
    if (!VOLATILE_FIELDS.has(key) && key !== 'type') content[key] = value;
  }
  return `sfd_${createHash('sha256').update(canonicalJson(content)).digest('base64url')}`;
}

/**
 * Tracks the messageIds already taken within one unit of work (a group commit), so that duplicates inside the
 * same batch or across batches committed together are recognised before the store sees them.
 */
export class SeenMessageIds {
  private readonly seen = new Set<string>();

  /** True the first time a (workspace, messageId) pair is offered, false afterwards. */
  claim(workspaceId: string, messageId: string): boolean {
    const key = `${workspaceId}\u0000${messageId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
