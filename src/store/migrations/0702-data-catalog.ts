import type { Migration } from './migration.js';

/**
 * Names seen in the data, for autocompletion in the rule editor: event names, property names per event and
 * trait names, each with the type of the first value seen and when it was first seen. Kept by the monitor from
 * the event log (bounded per workspace), never on the ingestion path.
 */
export const migration0702: Migration = {
  id: 702,
  name: 'data-catalog',
  sqlite: `CREATE TABLE data_catalog (
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  name TEXT NOT NULL,
  value_type TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, event, name)
);`,
  postgres: `CREATE TABLE data_catalog (
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  name TEXT NOT NULL,
  value_type TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, kind, event, name)
);`,
};
