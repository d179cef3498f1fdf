import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, ApiKeyKind, Clock } from '../core/index.js';
import { err, newId, ok, type Result } from '../core/index.js';
import type { WorkspaceRepo } from '../store/index.js';

/** SHA-256 hex of a key secret: the only form in which keys are stored. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A freshly generated key: the secret (shown once, never stored) and the record to store. */
export interface GeneratedKey {
  readonly secret: string;
  readonly key: ApiKey;
}

/** Builds the stored record of a key secret chosen by the operator (e.g. from `SEGFLOW_WRITE_KEY`). */
export function keyRecord(workspaceId: string, kind: ApiKeyKind, secret: string, now: number): ApiKey {
  return { id: newId('key'), workspaceId, kind, hash: hashKey(secret), prefix: secret.slice(0, 8), createdAt: now };
}

/** Generates a new random key: `sfw_…` for write keys, `sfa_…` for admin keys (192 bits). */
export function generateKey(workspaceId: string, kind: ApiKeyKind, now: number): GeneratedKey {
  const secret = `${kind === 'write' ? 'sfw' : 'sfa'}_${randomBytes(24).toString('base64url')}`;
  return { secret, key: keyRecord(workspaceId, kind, secret, now) };
}

/**
 * The write key of an ingestion request, as Segment accepts it: the username of HTTP Basic auth
 * (`Authorization: Basic base64(writeKey + ":")`), else a `writeKey` string field in the body.
 */
export function writeKeyOf(authorization: string | undefined, body: unknown): string | undefined {
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user !== '') return user;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const key = (body as Record<string, unknown>).writeKey;
    if (typeof key === 'string' && key !== '') return key;
  }
  return undefined;
}

/** The bearer token of `Authorization: Bearer <token>`, if any. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Whose a key is: its workspace and key id. */
export interface KeyOwner {
  readonly workspaceId: string;
  readonly keyId: string;
}

/** Who a key belongs to, or why it was refused. */
export type AuthResult = Result<KeyOwner, 'AUTH_MISSING_KEY' | 'AUTH_INVALID_KEY'>;

/**
 * Checks key secrets against the stored hashes. The lookup is by hash, so the time it takes does not depend on
 * how much of a guessed secret is right; the found hash is still compared with `timingSafeEqual`. Admin keys
 * are accepted where write keys are (an admin may ingest); revoked keys nowhere.
 *
 * Positive answers are cached, but a cache that outlives a revocation is a hole: a removed key used to keep
 * working for up to 5 s, and for ever in a process that never heard of the removal. So every check first
 * reads the store's auth generation (one single-row primary-key read, the cost of the lookup the cache saves
 * on PostgreSQL, and a few microseconds on SQLite) and drops the cache when it moved: a revocation committed by
 * any process is refused by every process from its next request on. {@link clear} short-circuits it in the
 * revoking process. The alternative, LISTEN/NOTIFY, would leave a window between commit and delivery and does
 * not exist on SQLite.
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, { result: AuthResult; until: number }>();
  private generation: number | undefined;

  constructor(
    private readonly workspaces: WorkspaceRepo,
    private readonly clock: Clock,
    private readonly cacheMs = 60_000,
  ) {}

  /** Authenticates `secret` as a key of `kind` (an admin key also passes as a write key). */
  async authenticate(secret: string | undefined, kind: ApiKeyKind): Promise<AuthResult> {
    if (secret === undefined || secret === '') return err('AUTH_MISSING_KEY');
    const hash = hashKey(secret);
    const cacheKey = `${kind}:${hash}`;
    const now = this.clock.now();
    const generation = await this.workspaces.authGeneration();
    if (generation !== this.generation) {
      this.cache.clear();
      this.generation = generation;
    }
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.result;
    const key = await this.workspaces.findKeyByHash(hash);
    const matches =
      key !== undefined &&
      key.revokedAt === undefined &&
      timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex')) &&
      (key.kind === kind || key.kind === 'admin');
    if (!matches) return err('AUTH_INVALID_KEY');
    const result: AuthResult = ok({ workspaceId: key.workspaceId, keyId: key.id });
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(cacheKey, { result, until: now + this.cacheMs });
    return result;
  }

  /** Forgets cached answers (after keys change). */
  clear(): void {
    this.cache.clear();
    this.generation = undefined;
  }
}
