import type { MembershipChange } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';
import type { ChangeLog } from './change-log.js';
import { MembershipRepoSql } from './membership-repo-sql.js';

/**
 * The {@link ChangeLog} over the `membership_changes` table. Writers in this process (the engine, the segment
 * service) call {@link notifyAppended} after their transaction commits, which wakes `onAppended` listeners
 * (the SSE stream, destinations) within the same tick; consumers in other processes poll {@link read}.
 */
export class SqlChangeLog implements ChangeLog {
  private readonly listeners = new Set<(lastSeq: number) => void>();
  private readonly repo: MembershipRepoSql;

  constructor(sql: SqlExecutor) {
    this.repo = new MembershipRepoSql(sql);
  }

  read(afterSeq: number, limit: number, workspaceId?: string): Promise<MembershipChange[]> {
    return this.repo.readChanges(afterSeq, limit, workspaceId);
  }

  head(): Promise<number> {
    return this.repo.headSeq();
  }

  onAppended(listener: (lastSeq: number) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Tells listeners that changes up to `lastSeq` are committed. A listener that throws does not stop the others. */
  notifyAppended(lastSeq: number): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(lastSeq);
      } catch {
        // A consumer's bug must not break the writer that merely announced new changes.
      }
    }
  }
}
