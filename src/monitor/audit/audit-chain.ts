import { createHash } from 'node:crypto';

/** What one administrative request did: who, what, when, with what outcome. */
export interface AuditEntry {
  readonly workspaceId: string;
  /** Epoch ms of the request. */
  readonly at: number;
  /** `key:<key id>`, or `session:<key id>` for a web app session opened with that admin key. */
  readonly actor: string;
  readonly method: string;
  /** The route pattern (`/api/segments/:id`), not the raw URL. */
  readonly route: string;
  /** The route's parameters; profile references are stored as digests (see {@link personalParams}). */
  readonly params: Readonly<Record<string, string>>;
  /** The HTTP status answered. */
  readonly status: number;
  /** `sha256:<hex>` of the request body's canonical JSON, or null without a body. Never the body itself. */
  readonly bodyDigest: string | null;
  /** What a route chose to add (a segment's rule before and after), or null. */
  readonly detail: unknown;
}

/** An entry as stored: its position in the log and its link in the chain. */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The `prevHash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Parameters that name a person (`/api/profiles/:ref`, `…/explain/:profile`): stored as `sha256:<hex>` so the
 * audit log never keeps an email or userId that an erasure removed from everywhere else. Equality still shows
 * (the same person gives the same digest), the identifier does not.
 */
export const personalParams: ReadonlySet<string> = new Set(['ref', 'profile', 'email', 'userId', 'anonymousId']);

/** JSON with object keys sorted at every depth: one text per value, whatever order its keys were built in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Body members whose values are credentials: replaced before a body is digested (see {@link bodyDigest}). */
const SECRET_MEMBER = /key|secret|password|token|credential/i;

function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_MEMBER.test(k) && typeof v === 'string' ? '[secret]' : maskSecrets(v)]),
  );
}

/**
 * `sha256:<hex>` of a request body's canonical JSON, with the values of members that hold credentials
 * (`signingKey`, `credentials`, `apiKey`, `secret`, `password`, `token`, …) replaced first. A digest is public
 * to whoever reads the audit log, and a short secret (a Postmark password) could be recovered from the digest
 * of a small body by trying candidates; masked, the digest still tells which request carried which settings.
 */
export function bodyDigest(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return digestOf(body);
  if (Buffer.isBuffer(body)) return digestOf(body.toString('latin1'));
  return digestOf(canonicalJson(maskSecrets(body)));
}

/** `sha256:<hex>` of a text. */
export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * The hash of row `seq` given the previous row's hash: SHA-256 over the previous hash and the canonical JSON of
 * every field, the position included, so changing, removing, inserting or reordering any row changes every
 * later hash. Anyone can recompute it from the rows alone (no key): it proves the log was not edited after the
 * fact by someone who cannot also rewrite every later row — keep an exported copy of the latest hash elsewhere
 * (`segflow audit verify` prints it) to catch a rewrite of the whole tail too.
 */
export function chainHash(prevHash: string, seq: number, entry: AuditEntry): string {
  const body = canonicalJson([
    seq,
    entry.workspaceId,
    entry.at,
    entry.actor,
    entry.method,
    entry.route,
    entry.params,
    entry.status,
    entry.bodyDigest,
    entry.detail ?? null,
  ]);
  return createHash('sha256').update(`${prevHash}\n${body}`, 'utf8').digest('hex');
}

/** The outcome of checking a chain: how many rows were checked, the last hash, and the first broken row if any. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  /** The hash of the last row checked (the genesis hash for an empty log). */
  readonly lastHash: string;
  /** The first row whose link does not hold, and why. */
  readonly broken?: { readonly seq: number; readonly reason: string };
}

/**
 * Checks rows in `seq` order, continuing from `state` (so a long log is verified page by page): each row's
 * `prevHash` must be the previous row's hash, and its `hash` must be what {@link chainHash} computes.
 */
export function verifyRows(
  rows: readonly AuditRecord[],
  state: { readonly lastHash: string; readonly lastSeq: number; readonly checked: number },
): AuditVerification & { readonly lastSeq: number } {
  let { lastHash, lastSeq, checked } = state;
  for (const row of rows) {
    if (row.seq <= lastSeq) return { ok: false, checked, lastHash, lastSeq, broken: { seq: row.seq, reason: 'out of order' } };
    if (row.prevHash !== lastHash) {
      return { ok: false, checked, lastHash, lastSeq, broken: { seq: row.seq, reason: 'does not link to the previous row (a row was removed or inserted)' } };
    }
    if (chainHash(row.prevHash, row.seq, row) !== row.hash) {
      return { ok: false, checked, lastHash, lastSeq, broken: { seq: row.seq, reason: 'its content does not match its hash (the row was edited)' } };
    }
    lastHash = row.hash;
    lastSeq = row.seq;
    checked++;
  }
  return { ok: true, checked, lastHash, lastSeq };
}
