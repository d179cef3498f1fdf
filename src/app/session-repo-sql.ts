import type { SessionRecord, SessionRepo } from '../api/index.js';
import type { SqlExecutor } from '../store/index.js';

interface SessionRow {
  [column: string]: unknown;
  token_hash: string;
  workspace_id: string;
  key_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/** The `web_sessions` table (migration 0700), written once for SQLite and PostgreSQL. */
export class SessionRepoSql implements SessionRepo {
  constructor(private readonly sql: SqlExecutor) {}

  /** Stores a new session. */
  async insert(s: SessionRecord): Promise<void> {
    await this.sql.execute(
      `INSERT INTO web_sessions (token_hash, workspace_id, key_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.tokenHash, s.workspaceId, s.keyId, s.csrfToken, s.createdAt, s.expiresAt],
    );
  }

  /**
   * The session with this token hash, if it exists, has not expired at `now`, and the admin key it was opened
   * with still exists and is not revoked: removing or revoking a key ends the sessions opened with it.
   */
  async findLive(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    const rows = await this.sql.query<SessionRow>(
      `SELECT s.token_hash, s.workspace_id, s.key_id, s.csrf_token, s.created_at, s.expires_at
       FROM web_sessions s JOIN api_keys k ON k.id = s.key_id AND k.workspace_id = s.workspace_id AND k.kind = 'admin' AND k.revoked_at IS NULL
       WHERE s.token_hash = $1 AND s.expires_at > $2`,
      [tokenHash, now],
    );
    const r = rows[0];
    return r === undefined
      ? undefined
      : {
          tokenHash: r.token_hash,
          workspaceId: r.workspace_id,
          keyId: r.key_id,
          csrfToken: r.csrf_token,
          createdAt: Number(r.created_at),
          expiresAt: Number(r.expires_at),
        };
  }

  /** Removes one session (sign-out); true when it existed. */
  async delete(tokenHash: string): Promise<boolean> {
    return (await this.sql.execute('DELETE FROM web_sessions WHERE token_hash = $1', [tokenHash])) > 0;
  }

  /** Removes sessions expired at `now`; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    return this.sql.execute('DELETE FROM web_sessions WHERE expires_at <= $1', [now]);
  }
}
