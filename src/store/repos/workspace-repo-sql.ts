import type { ApiKey, ApiKeyKind, Workspace } from '../../core/index.js';
import type { SqlExecutor } from '../sql-executor.js';
import type { WorkspaceRepo } from '../workspace-repo.js';
import { fromJson, toJson } from './json-column.js';

/** The id of the workspace every single-tenant installation uses. */
export const DEFAULT_WORKSPACE_ID = 'ws_default';

interface WorkspaceRow extends Record<string, unknown> {
  id: string;
  name: string;
  created_at: number;
}

interface KeyRow extends Record<string, unknown> {
  id: string;
  workspace_id: string;
  kind: ApiKeyKind;
  hash: string;
  prefix: string;
  created_at: number;
}

const KEY_COLUMNS = 'id, workspace_id, kind, hash, prefix, created_at';

function toWorkspace(row: WorkspaceRow): Workspace {
  return { id: row.id, name: row.name, createdAt: Number(row.created_at) };
}

function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind,
    hash: row.hash,
    prefix: row.prefix,
    createdAt: Number(row.created_at),
  };
}

/** {@link WorkspaceRepo} written once for both dialects on a {@link SqlExecutor}. */
export class WorkspaceRepoSql implements WorkspaceRepo {
  constructor(private readonly sql: SqlExecutor) {}

  async ensureDefault(now: number): Promise<Workspace> {
    await this.sql.execute(
      'INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [DEFAULT_WORKSPACE_ID, 'Default', now],
    );
    const ws = await this.get(DEFAULT_WORKSPACE_ID);
    if (!ws) throw new Error('the default workspace vanished right after it was created');
    return ws;
  }

  async get(id: string): Promise<Workspace | undefined> {
    const rows = await this.sql.query<WorkspaceRow>('SELECT id, name, created_at FROM workspaces WHERE id = $1', [id]);
    return rows[0] ? toWorkspace(rows[0]) : undefined;
  }

  async create(ws: Workspace): Promise<void> {
    await this.sql.execute('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', [
      ws.id,
      ws.name,
      ws.createdAt,
    ]);
  }

  async addKey(key: ApiKey): Promise<void> {
    await this.sql.execute(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      key.id,
      key.workspaceId,
      key.kind,
      key.hash,
      key.prefix,
      key.createdAt,
    ]);
  }

  async findKeyByHash(hash: string): Promise<ApiKey | undefined> {
    const rows = await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE hash = $1`, [hash]);
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  async listKeys(workspaceId: string): Promise<ApiKey[]> {
    const rows = await this.sql.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id`,
      [workspaceId],
    );
    return rows.map(toKey);
  }

  async removeKeys(workspaceId: string, kind: ApiKeyKind): Promise<void> {
    await this.sql.execute('DELETE FROM api_keys WHERE workspace_id = $1 AND kind = $2', [workspaceId, kind]);
  }

  async getSetting(workspaceId: string, name: string): Promise<unknown> {
    const rows = await this.sql.query<{ value: unknown }>(
      'SELECT value FROM workspace_settings WHERE workspace_id = $1 AND name = $2',
      [workspaceId, name],
    );
    return rows[0] ? fromJson(rows[0].value) : undefined;
  }

  async setSetting(workspaceId: string, name: string, value: unknown): Promise<void> {
    if (value === undefined) {
      await this.sql.execute('DELETE FROM workspace_settings WHERE workspace_id = $1 AND name = $2', [workspaceId, name]);
      return;
    }
    await this.sql.execute(
      `INSERT INTO workspace_settings (workspace_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value`,
      [workspaceId, name, toJson(value)],
    );
  }
}
