import type { Migration } from './migration.js';

/** Rule metrics of experiments: the rule's value for each exposed person at exposure + window, once. */
export const migration0601: Migration = {
  id: 601,
  name: 'experiment-rule-results',
  sqlite: `CREATE TABLE experiment_rule_results (
  experiment_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  value INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, metric, profile_id)
);`,
  postgres: `CREATE TABLE experiment_rule_results (
  experiment_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  value INTEGER NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (experiment_id, metric, profile_id)
);`,
};
