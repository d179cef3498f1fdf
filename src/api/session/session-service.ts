import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import { apiError } from '../error-catalogue.js';
import type { KeyPort } from '../services.js';
import type { SessionRepo } from './session-repo.js';

/** Twelve hours: a working day, after which the browser asks for the key again. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A session as the browser's side knows it (the token goes only into the HttpOnly cookie). */
export interface SessionInfo {
  readonly workspaceId: string;
  /** The admin key the session was opened with (the audit log names it). */
  readonly keyId?: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** A new session: the cookie token and what the app may know. */
export interface NewSession extends SessionInfo {
  readonly token: string;
}

/** Options of {@link SessionService}. */
export interface SessionOptions {
  /** Session lifetime from sign-in (absolute, not sliding); default {@link DEFAULT_SESSION_TTL_MS}. */
  readonly ttlMs?: number;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Compares two secrets in constant time (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Browser sessions: an admin key exchanged for a random session token (kept in an HttpOnly cookie) and a CSRF
 * token (kept by the app, sent back as a header on state-changing requests). Sessions live in the database so
 * that every API process accepts them and sign-out is immediate everywhere. Time comes from the injected clock.
 */
export class SessionService {
  private readonly ttlMs: number;

  constructor(
    private readonly repo: SessionRepo,
    private readonly keys: KeyPort,
    private readonly clock: Clock,
    options: SessionOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  }

  /** Exchanges an admin key for a session; refuses a missing or invalid key with the admin-key error codes. */
  async signIn(adminKey: string | undefined): Promise<NewSession> {
    const auth = await this.keys.authenticate(adminKey, 'admin');
    if (!auth.ok) {
      throw auth.error === 'AUTH_MISSING_KEY'
        ? apiError('AUTH_MISSING_ADMIN_KEY', 'Enter an admin key to sign in.', { field: 'key' })
        : apiError('AUTH_INVALID_ADMIN_KEY', 'The admin key is not valid.', { field: 'key' });
    }
    const now = this.clock.now();
    // Expired rows are swept at sign-in: cheap (indexed), and sign-ins are rare compared with requests.
    await this.repo.deleteExpired(now);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    const { workspaceId, keyId } = auth.value;
    await this.repo.insert({ tokenHash: hashToken(token), workspaceId, keyId, csrfToken, createdAt: now, expiresAt });
    return { token, workspaceId, csrfToken, expiresAt };
  }

  /** The live session of a cookie token, or undefined when it is unknown, signed out or expired. */
  async find(token: string): Promise<SessionInfo | undefined> {
    const found = await this.repo.findLive(hashToken(token), this.clock.now());
    return found && { workspaceId: found.workspaceId, keyId: found.keyId, csrfToken: found.csrfToken, expiresAt: found.expiresAt };
  }

  /** Ends a session; true when it existed. */
  async signOut(token: string): Promise<boolean> {
    return this.repo.delete(hashToken(token));
  }

  /** Milliseconds until `expiresAt` (for the cookie's Max-Age). */
  remainingMs(expiresAt: number): number {
    return Math.max(0, expiresAt - this.clock.now());
  }
}
