import { migrate } from './migrate.js';
import type { EventRepo } from './event-repo.js';
import type { ProfileRepo } from './profile-repo.js';
import { createRepos } from './repos/create-repos.js';
import { EventRepoSql } from './repos/event-repo-sql.js';
import { LogTail } from './repos/log-tail.js';
import type { SqlExecutor } from './sql-executor.js';
import type { Repos, Store } from './store.js';
import type { WorkspaceRepo } from './workspace-repo.js';

/** A {@link SqlExecutor} that owns its connections. */
export interface ClosableSqlExecutor extends SqlExecutor {
  close(): Promise<void>;
}

/**
 * The one {@link Store} implementation: the dialect-neutral repositories over a backend's executor. The
 * SQLite and PostgreSQL adapters differ only in the executor they pass in.
 */
export class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly workspaces: WorkspaceRepo;
  readonly profiles: ProfileRepo;
  readonly events: EventRepo;
  readonly sql: SqlExecutor;

  constructor(
    private readonly executor: ClosableSqlExecutor,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    // The log's followers read new events through one shared tail on SQLite (see LogTail; migration 0004 keeps
    // its invalidation). PostgreSQL reads the table: its global read order needs the partition barrier.
    let tail: LogTail | undefined;
    if (executor.dialect.name === 'sqlite') {
      const table = new EventRepoSql(executor);
      tail = new LogTail({ readRows: (after, limit) => table.readLogRows(after, limit), generation: () => table.rewriteGeneration() });
    }
    const repos = createRepos(executor, tail);
    this.dialect = executor.dialect.name;
    this.workspaces = repos.workspaces;
    this.profiles = repos.profiles;
    this.events = repos.events;
    this.sql = executor;
  }

  async migrate(): Promise<void> {
    await migrate(this.executor);
  }

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.executor.transaction((sql) => fn(createRepos(sql)));
  }

  async ping(): Promise<boolean> {
    try {
      const rows = await this.executor.query('SELECT 1 AS ok');
      return rows.length === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.executor.close();
    await this.onClose();
  }
}
