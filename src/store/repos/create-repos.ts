import type { SqlExecutor } from '../sql-executor.js';
import type { Repos } from '../store.js';
import { EventRepoSql } from './event-repo-sql.js';
import type { LogTail } from './log-tail.js';
import { ProfileRepoSql } from './profile-repo-sql.js';
import { WorkspaceRepoSql } from './workspace-repo-sql.js';

/**
 * The store's repositories bound to one executor: the store's own (each call its own transaction) or a
 * transaction's. Cheap enough to build per transaction: the repositories hold nothing but the executor (and,
 * for the store's own SQLite repositories, the shared {@link LogTail} of the event log).
 */
export function createRepos(sql: SqlExecutor, tail?: LogTail): Repos {
  return {
    workspaces: new WorkspaceRepoSql(sql),
    profiles: new ProfileRepoSql(sql),
    events: new EventRepoSql(sql, tail),
    sql,
  };
}
