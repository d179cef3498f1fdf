import type { Migration } from './migration.js';

function ddl(int: 'INTEGER' | 'BIGINT'): string {
  return `
    ALTER TABLE destinations ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook';
    ALTER TABLE destinations ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE destinations ADD COLUMN previous_secret TEXT;
    ALTER TABLE destinations ADD COLUMN previous_secret_until ${int};
    ALTER TABLE destinations ADD COLUMN rate_limit_waits INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE destinations ADD COLUMN last_error TEXT;
    ALTER TABLE destinations ADD COLUMN last_error_at ${int};`;
}

/**
 * List-sync destinations and per-destination state: the destination `kind` (`webhook`, `sendgrid`, `mailchimp`,
 * `klaviyo`) with its provider settings as JSON (`config`: list, per-segment mapping, fields, base URL), the
 * previous signing secret and the end of its grace period (secret rotation without downtime), and what the API
 * shows about a destination's health: rate-limit waits and the last error.
 */
export const migration0202: Migration = {
  id: 202,
  name: 'list-sync-destinations',
  sqlite: ddl('INTEGER'),
  postgres: ddl('BIGINT'),
};
