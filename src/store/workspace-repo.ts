import type { ApiKey, ApiKeyKind, Workspace } from '../core/index.js';

/** Workspaces, their API keys (hashed) and their settings (provider secrets, options) as JSON values. */
export interface WorkspaceRepo {
  /** Returns the default workspace (id `ws_default`), creating it on first call. */
  ensureDefault(now: number): Promise<Workspace>;
  /** The workspace, or `undefined` when there is none with that id. */
  get(id: string): Promise<Workspace | undefined>;
  /** Inserts a workspace; throws when the id exists. */
  create(ws: Workspace): Promise<void>;
  /** Stores a key. The secret itself is never passed to the store, only its SHA-256 hash. */
  addKey(key: ApiKey): Promise<void>;
  /** The key whose secret hashes to `hash` (hashes are unique across workspaces). */
  findKeyByHash(hash: string): Promise<ApiKey | undefined>;
  /** The workspace's keys, oldest first. */
  listKeys(workspaceId: string): Promise<ApiKey[]>;
  /** Removes every key of that kind in the workspace (used before installing keys from the environment). */
  removeKeys(workspaceId: string, kind: ApiKeyKind): Promise<void>;
  /** A setting's JSON value, or `undefined` when it was never set. */
  getSetting(workspaceId: string, name: string): Promise<unknown>;
  /** Stores any JSON-serialisable value (replacing the previous one); `undefined` removes the setting. */
  setSetting(workspaceId: string, name: string, value: unknown): Promise<void>;
}
