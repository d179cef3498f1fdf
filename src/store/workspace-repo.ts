import type { ApiKey, ApiKeyKind, Workspace } from '../core/index.js';

/** Workspaces, their API keys (hashed) and their settings (provider secrets, options) as JSON values. */
export interface WorkspaceRepo {
  /** Returns the default workspace (id `ws_default`), creating it on first call. */
  ensureDefault(now: number): Promise<Workspace>;
  get(id: string): Promise<Workspace | undefined>;
  create(ws: Workspace): Promise<void>;
  /** Stores a key. The secret itself is never passed to the store, only its SHA-256 hash. */
  addKey(key: ApiKey): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listKeys(workspaceId: string): Promise<ApiKey[]>;
  /** Removes every key of that kind in the workspace (used before installing keys from the environment). */
  removeKeys(workspaceId: string, kind: ApiKeyKind): Promise<void>;
  getSetting(workspaceId: string, name: string): Promise<unknown>;
  setSetting(workspaceId: string, name: string, value: unknown): Promise<void>;
}
