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
  name: string | null;
  revoked_at: number | null;
}

const KEY_COLUMNS = 'id, workspace_id, kind, hash, prefix, created_at, name, revoked_at';

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
    ...(row.name === null ? {} : { name: row.name }),
    ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
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

  async list(): Promise<Workspace[]> {
    const rows = await this.sql.query<WorkspaceRow>('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id');
    return rows.map(toWorkspace);
  }

  async addKey(key: ApiKey): Promise<void> {
    await this.sql.execute(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      key.id,
      key.workspaceId,
      key.kind,
      key.hash,
      key.prefix,
      key.createdAt,
      key.name ?? null,
      key.revokedAt ?? null,
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
    await this.sql.transaction(async (tx) => {
      await tx.execute('DELETE FROM api_keys WHERE workspace_id = $1 AND kind = $2', [workspaceId, kind]);
      await tx.execute('UPDATE auth_generation SET value = value + 1 WHERE id = 1');
    });
  }

  async revokeKey(workspaceId: string, keyId: string, now: number): Promise<ApiKey | undefined> {
    return this.sql.transaction(async (tx) => {
      const changed = await tx.execute(
        'UPDATE api_keys SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL',
        [workspaceId, keyId, now],
      );
      // Bumped in the same transaction: no process can see the key revoked and the old generation.
      if (changed > 0) await tx.execute('UPDATE auth_generation SET value = value + 1 WHERE id = 1');
      const rows = await tx.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE workspace_id = $1 AND id = $2`, [workspaceId, keyId]);
      return rows[0] ? toKey(rows[0]) : undefined;
    });
  }

  async authGeneration(): Promise<number> {
    const rows = await this.sql.query<{ value: number }>('SELECT value FROM auth_generation WHERE id = 1');
    return Number(rows[0]?.value ?? 0);
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
