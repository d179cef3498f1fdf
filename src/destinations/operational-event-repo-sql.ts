import { newId } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';

/** Something an operator should know about, e.g. `destination.disabled`. */
export interface OperationalEvent {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: string;
  /** What it is about (a destination id, …). */
  readonly subject: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: number;
}

/** The `operational_events` table, written once for both SQL dialects. */
export class OperationalEventRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  async append(event: Omit<OperationalEvent, 'id'>): Promise<OperationalEvent> {
    const full: OperationalEvent = { id: newId('opev'), ...event };
    await this.sql.execute('INSERT INTO operational_events (id, workspace_id, kind, subject, detail, at) VALUES ($1, $2, $3, $4, $5, $6)', [
      full.id,
      full.workspaceId,
      full.kind,
      full.subject,
      JSON.stringify(full.detail),
      full.at,
    ]);
    return full;
  }

  /** Events of a workspace, newest first, optionally about one subject. */
  async list(workspaceId: string, options: { subject?: string; limit: number }): Promise<OperationalEvent[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      options.subject
        ? 'SELECT * FROM operational_events WHERE workspace_id = $1 AND subject = $3 ORDER BY at DESC, id LIMIT $2'
        : 'SELECT * FROM operational_events WHERE workspace_id = $1 ORDER BY at DESC, id LIMIT $2',
      options.subject ? [workspaceId, options.limit, options.subject] : [workspaceId, options.limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      workspaceId: String(r.workspace_id),
      kind: String(r.kind),
      subject: String(r.subject),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
      at: Number(r.at),
    }));
  }
}
