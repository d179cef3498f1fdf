import type { Migration } from './migration.js';

/**
 * Browser sessions of the web app: a signed-in admin key turned into a cookie. Only the SHA-256 of the session
 * token is stored, so a copy of the database does not sign anyone in; the CSRF token is kept beside it.
 */
export const migration0700: Migration = {
  id: 700,
  name: 'web-sessions',
  sqlite: `CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);`,
  postgres: `CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);`,
};
