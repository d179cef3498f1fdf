import type { SqlExecutor } from '../store/index.js';
import { fromJson, toJson } from '../store/index.js';

/** Whether a workflow admits people and advances runs. */
export type WorkflowStatus = 'active' | 'paused' | 'archived';

/** A stored workflow (its current version number; definitions live per version). */
export interface WorkflowRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly status: WorkflowStatus;
  readonly currentVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One version of a workflow: the definition as given (plain data; parsed again when loaded). */
export interface WorkflowVersionRecord {
  readonly workflowId: string;
  readonly version: number;
  readonly source: unknown;
  readonly createdAt: number;
}

interface Row {
  [k: string]: unknown;
  id: string;
  workspace_id: string;
  name: string;
  status: string;
  current_version: unknown;
  created_at: unknown;
  updated_at: unknown;
}

const fromRow = (r: Row): WorkflowRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  status: r.status as WorkflowStatus,
  currentVersion: Number(r.current_version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Workflows and their versions, written once for both SQL dialects. */
export class WorkflowRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(w: WorkflowRecord, source: unknown): Promise<void> {
    await this.sql.transaction(async (sql) => {
      await sql.execute(
        `INSERT INTO workflows (id, workspace_id, name, status, current_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [w.id, w.workspaceId, w.name, w.status, w.currentVersion, w.createdAt, w.updatedAt],
      );
      await sql.execute('INSERT INTO workflow_versions (workflow_id, version, definition, created_at) VALUES ($1, $2, $3, $4)', [
        w.id,
        w.currentVersion,
        toJson(source),
        w.createdAt,
      ]);
    });
  }

  /** Adds version `current + 1` with `source` and makes it current. */
  async addVersion(id: string, source: unknown, now: number): Promise<number> {
    return this.sql.transaction(async (sql) => {
      const rows = await sql.query<{ v: unknown }>('UPDATE workflows SET current_version = current_version + 1, updated_at = $2 WHERE id = $1 RETURNING current_version AS v', [id, now]);
      const version = Number(rows[0]?.v);
      await sql.execute('INSERT INTO workflow_versions (workflow_id, version, definition, created_at) VALUES ($1, $2, $3, $4)', [id, version, toJson(source), now]);
      return version;
    });
  }

  async setStatus(id: string, status: WorkflowStatus, now: number): Promise<void> {
    await this.sql.execute('UPDATE workflows SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now]);
  }

  /** By id or by name. */
  async get(workspaceId: string, idOrName: string): Promise<WorkflowRecord | undefined> {
    const rows = await this.sql.query<Row>('SELECT * FROM workflows WHERE workspace_id = $1 AND (id = $2 OR name = $2)', [workspaceId, idOrName]);
    const exact = rows.find((r) => r.id === idOrName) ?? rows[0];
    return exact ? fromRow(exact) : undefined;
  }

  async byId(id: string): Promise<WorkflowRecord | undefined> {
    const rows = await this.sql.query<Row>('SELECT * FROM workflows WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async list(workspaceId: string): Promise<WorkflowRecord[]> {
    return (await this.sql.query<Row>('SELECT * FROM workflows WHERE workspace_id = $1 ORDER BY name', [workspaceId])).map(fromRow);
  }

  /** Every workflow of every workspace that is not archived (what the runtime serves). */
  async live(): Promise<WorkflowRecord[]> {
    return (await this.sql.query<Row>("SELECT * FROM workflows WHERE status <> 'archived' ORDER BY id")).map(fromRow);
  }

  async version(id: string, version: number): Promise<WorkflowVersionRecord | undefined> {
    const rows = await this.sql.query<{ definition: unknown; created_at: unknown }>(
      'SELECT definition, created_at FROM workflow_versions WHERE workflow_id = $1 AND version = $2',
      [id, version],
    );
    const r = rows[0];
    return r ? { workflowId: id, version, source: fromJson(r.definition), createdAt: Number(r.created_at) } : undefined;
  }
}
