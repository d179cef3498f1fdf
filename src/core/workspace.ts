/** A tenant: all data, keys, segments and destinations belong to exactly one workspace. */
export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** Write keys may only ingest; admin keys may do everything. */
export type ApiKeyKind = 'write' | 'admin';

/** An API key as stored: only a hash of the secret and a short display prefix. */
export interface ApiKey {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: ApiKeyKind;
  /** SHA-256 hex of the full secret. */
  readonly hash: string;
  /** The first characters of the secret, for people to recognise it (`sfw_3f9a…`). */
  readonly prefix: string;
  readonly createdAt: number;
  /** An operator's label (`"ci deploy"`), if one was given. */
  readonly name?: string;
  /** When the key was revoked; a revoked key never authenticates again. */
  readonly revokedAt?: number;
}
