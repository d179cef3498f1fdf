import type { ApiKey, ApiKeyKind, Workspace } from '../core/index.js';

/** Workspaces, their API keys (hashed) and their settings (provider secrets, options) as JSON values. */
export interface WorkspaceRepo {
  /** Returns the default workspace (id `ws_default`), creating it on first call. */
  ensureDefault(now: number): Promise<Workspace>;
  /** The workspace, or `undefined` when there is none with that id. */
  get(id: string): Promise<Workspace | undefined>;
  /** Inserts a workspace; throws when the id exists. */
  create(ws: Workspace): Promise<void>;
  /** Every workspace, oldest first. */
  list(): Promise<Workspace[]>;
  /** Stores a key. The secret itself is never passed to the store, only its SHA-256 hash. */
  addKey(key: ApiKey): Promise<void>;
  /** The key whose secret hashes to `hash` (hashes are unique across workspaces), revoked or not. */
  findKeyByHash(hash: string): Promise<ApiKey | undefined>;
  /** The workspace's keys, oldest first. */
  listKeys(workspaceId: string): Promise<ApiKey[]>;
  /** Removes every key of that kind in the workspace (used before installing keys from the environment). */
  removeKeys(workspaceId: string, kind: ApiKeyKind): Promise<void>;
  /**
   * Marks the workspace's key `keyId` revoked at `now` and bumps the {@link authGeneration}; returns the key as
   * it now is, or `undefined` when the workspace has no such key. Revoking a revoked key changes nothing.
   */
  revokeKey(workspaceId: string, keyId: string, now: number): Promise<ApiKey | undefined>;
  /**
   * A counter that grows whenever a key stops being valid (revoked or removed). Processes that cache key checks
   * compare it on every check and forget their cache when it moved, so revocation is immediate everywhere.
   */
  authGeneration(): Promise<number>;
  /** A setting's JSON value, or `undefined` when it was never set. */
  getSetting(workspaceId: string, name: string): Promise<unknown>;
  /** Stores any JSON-serialisable value (replacing the previous one); `undefined` removes the setting. */
  setSetting(workspaceId: string, name: string, value: unknown): Promise<void>;
}
