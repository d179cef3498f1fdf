/** A stored browser session (the token itself is never stored, only its SHA-256). */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly workspaceId: string;
  readonly keyId: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Where sessions are kept (the app passes `SessionRepoSql`, src/app/session-repo-sql.ts). */
export interface SessionRepo {
  insert(s: SessionRecord): Promise<void>;
  findLive(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
  delete(tokenHash: string): Promise<boolean>;
  deleteExpired(now: number): Promise<number>;
}

