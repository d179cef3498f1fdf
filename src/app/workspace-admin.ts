import type { AuditPort, KeyView, WorkspacePort, WorkspaceView } from '../api/index.js';
import type { AuditLogSql } from '../monitor/index.js';
import type { ApiKey, ApiKeyKind, Clock, Workspace } from '../core/index.js';
import { newId } from '../core/index.js';
import { generateKey } from '../ingest/index.js';
import type { Store } from '../store/index.js';

/** Advisory lock class serialising key revocations (the last-admin check must see every concurrent one). */
const REVOKE_LOCK_CLASS = 0x5ef5;

const workspaceView = (w: Workspace): WorkspaceView => ({ id: w.id, name: w.name, createdAt: w.createdAt });

/** A stored key without its hash. */
export const keyView = (k: ApiKey): KeyView => ({
  id: k.id,
  kind: k.kind,
  prefix: k.prefix,
  ...(k.name === undefined ? {} : { name: k.name }),
  createdAt: k.createdAt,
  ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
});

/**
 * The {@link WorkspacePort} over the store. Keys are generated here (192 random bits, shown once, stored as a
 * SHA-256 hash); a revocation also calls `forget` (the app's key cache) so this process refuses the key before
 * the answer is sent, and bumps the store's auth generation so every other process does on its next check.
 */
export function workspaceAdmin(store: Store, clock: Clock, forget: () => void): WorkspacePort {
  return {
    async create(name) {
      const now = clock.now();
      const workspace: Workspace = { id: newId('ws'), name, createdAt: now };
      const write = generateKey(workspace.id, 'write', now);
      const admin = generateKey(workspace.id, 'admin', now);
      await store.transaction(async (tx) => {
        await tx.workspaces.create(workspace);
        await tx.workspaces.addKey(write.key);
        await tx.workspaces.addKey(admin.key);
      });
      return { workspace: workspaceView(workspace), writeKey: write.secret, adminKey: admin.secret };
    },
    async list() {
      return (await store.workspaces.list()).map(workspaceView);
    },
    async get(id) {
      const ws = await store.workspaces.get(id);
      return ws ? workspaceView(ws) : undefined;
    },
    async listKeys(workspaceId) {
      return (await store.workspaces.listKeys(workspaceId)).map(keyView);
    },
    async createKey(workspaceId, kind: ApiKeyKind, name) {
      const { secret, key } = generateKey(workspaceId, kind, clock.now());
      const named: ApiKey = name === undefined ? key : { ...key, name };
      await store.workspaces.addKey(named);
      return { key: keyView(named), secret };
    },
    async revokeKey(workspaceId, keyId) {
      const outcome = await store.transaction(async (tx) => {
        await tx.sql.dialect.serialise(tx.sql, REVOKE_LOCK_CLASS);
        const keys = await tx.workspaces.listKeys(workspaceId);
        const target = keys.find((k) => k.id === keyId);
        if (!target) return { ok: false as const, error: 'KEY_NOT_FOUND' as const };
        const activeAdmins = keys.filter((k) => k.kind === 'admin' && k.revokedAt === undefined);
        if (target.revokedAt === undefined && target.kind === 'admin' && activeAdmins.length === 1) {
          return { ok: false as const, error: 'KEY_LAST_ADMIN' as const };
        }
        const revoked = await tx.workspaces.revokeKey(workspaceId, keyId, clock.now());
        return revoked ? { ok: true as const, key: keyView(revoked) } : { ok: false as const, error: 'KEY_NOT_FOUND' as const };
      });
      if (outcome.ok) forget();
      return outcome;
    },
  };
}

/** The {@link AuditPort} over the store's audit log. */
export function auditPort(log: AuditLogSql): AuditPort {
  return {
    record: async (entry) => void (await log.append(entry)),
    list: (workspaceId, query) => log.list(workspaceId, query),
  };
}
