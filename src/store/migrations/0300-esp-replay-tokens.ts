import type { Migration } from './migration.js';

/** Tokens of ESP webhooks already accepted (Mailgun), kept until their freshness window closes. */
export const migration0300: Migration = {
  id: 300,
  name: 'esp-replay-tokens',
  sqlite: `CREATE TABLE esp_replay_tokens (
  provider TEXT NOT NULL,
  token TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (provider, token)
);
CREATE INDEX esp_replay_tokens_expires ON esp_replay_tokens (expires_at);`,
  postgres: `CREATE TABLE esp_replay_tokens (
  provider TEXT NOT NULL,
  token TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (provider, token)
);
CREATE INDEX esp_replay_tokens_expires ON esp_replay_tokens (expires_at);`,
};
