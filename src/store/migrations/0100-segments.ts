import type { Migration } from './migration.js';

/** Segments (current version) and every version ever saved (the rule-change audit trail). */
export const migration0100: Migration = {
  id: 100,
  name: 'segments',
  sqlite: `
    CREATE TABLE segments (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      version INTEGER NOT NULL,
      rule_text TEXT NOT NULL,
      rule_json TEXT NOT NULL,
      grp TEXT,
      priority INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (workspace_id, name)
    );
    CREATE TABLE segment_versions (
      segment_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      workspace_id TEXT NOT NULL,
      name TEXT NOT NULL,
      rule_text TEXT NOT NULL,
      rule_json TEXT NOT NULL,
      saved_at INTEGER NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (segment_id, version)
    );`,
  postgres: `
    CREATE TABLE segments (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      version INTEGER NOT NULL,
      rule_text TEXT NOT NULL,
      rule_json TEXT NOT NULL,
      grp TEXT,
      priority INTEGER NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      UNIQUE (workspace_id, name)
    );
    CREATE TABLE segment_versions (
      segment_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      workspace_id TEXT NOT NULL,
      name TEXT NOT NULL,
      rule_text TEXT NOT NULL,
      rule_json TEXT NOT NULL,
      saved_at BIGINT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (segment_id, version)
    );`,
};
