import { fromJson, type SqlExecutor } from '../store/index.js';
import type { Erasure, ErasureKind, ErasureStatus } from './erasure.js';

type ErasureRow = {
  id: string;
  workspace_id: string;
  kind: string;
  status: string;
  profile_ids: string;
  pseudonym: string;
  exit_seq: unknown;
  profiles: unknown;
  exits: unknown;
  identifiers: unknown;
  deleted: string;
  detail: string | null;
  created_at: unknown;
  updated_at: unknown;
  deadline_at: unknown;
  completed_at: unknown;
  dropped: unknown;
};

/** An erasure with what only the worker needs: the profile ids still to purge and the pseudonym. */
export interface ErasureWork extends Erasure {
  readonly profileIds: readonly string[];
  readonly pseudonym: string;
}

const SELECT = `SELECT e.*, (SELECT COALESCE(SUM(t.dropped), 0) FROM erasure_tombstones t WHERE t.erasure_id = e.id) AS dropped FROM erasures e`;

/** The `erasures` and `erasure_tombstones` tables. */
export class ErasureRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Records a new erasure. */
  async insert(e: ErasureWork): Promise<void> {
    await this.sql.execute(
      `INSERT INTO erasures (id, workspace_id, kind, status, profile_ids, pseudonym, exit_seq, exits, identifiers, deleted, detail,
         created_at, updated_at, deadline_at, completed_at, profiles)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [e.id, e.workspaceId, e.kind, e.status, JSON.stringify(e.profileIds), e.pseudonym, e.exitSeq, e.exits, e.identifiers,
        JSON.stringify(e.deleted), e.detail, e.createdAt, e.updatedAt, e.deadlineAt, e.completedAt, e.profiles],
    );
  }

  /** Moves an erasure on; `profileIds` is emptied once the data is gone. */
  async update(id: string, patch: { status: ErasureStatus; exitSeq?: number; exits?: number; deleted?: Readonly<Record<string, number>>; detail: string | null; profileIds?: readonly string[]; now: number }): Promise<void> {
    const sets = ['status = $2', 'detail = $3', 'updated_at = $4'];
    const params: unknown[] = [id, patch.status, patch.detail, patch.now];
    const add = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.exitSeq !== undefined) add('exit_seq', patch.exitSeq);
    if (patch.exits !== undefined) add('exits', patch.exits);
    if (patch.deleted !== undefined) add('deleted', JSON.stringify(patch.deleted));
    if (patch.profileIds !== undefined) add('profile_ids', JSON.stringify(patch.profileIds));
    if (patch.status === 'completed') add('completed_at', patch.now);
    await this.sql.execute(`UPDATE erasures SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** One erasure of a workspace. */
  async get(workspaceId: string, id: string): Promise<ErasureWork | undefined> {
    const rows = await this.sql.query<ErasureRow>(`${SELECT} WHERE e.workspace_id = $1 AND e.id = $2`, [workspaceId, id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The newest erasures of a workspace. */
  async list(workspaceId: string, limit: number): Promise<ErasureWork[]> {
    const rows = await this.sql.query<ErasureRow>(`${SELECT} WHERE e.workspace_id = $1 ORDER BY e.created_at DESC, e.id LIMIT $2`, [workspaceId, limit]);
    return rows.map(fromRow);
  }

  /** Erasures not completed yet, oldest first (the worker's queue). */
  async open(limit: number): Promise<ErasureWork[]> {
    const rows = await this.sql.query<ErasureRow>(`${SELECT} WHERE e.status <> 'completed' ORDER BY e.created_at, e.id LIMIT $1`, [limit]);
    return rows.map(fromRow);
  }

  /** Records tombstones (identifier hashes); an existing one is taken over by this erasure. */
  async tombstone(workspaceId: string, erasureId: string, hashes: readonly string[], suppress: boolean, now: number): Promise<void> {
    for (const hash of hashes) {
      await this.sql.execute(
        `INSERT INTO erasure_tombstones (workspace_id, hash, erasure_id, suppress, dropped, created_at) VALUES ($1, $2, $3, $4, 0, $5)
         ON CONFLICT (workspace_id, hash) DO UPDATE SET erasure_id = excluded.erasure_id, suppress = excluded.suppress`,
        [workspaceId, hash, erasureId, suppress ? 1 : 0, now],
      );
    }
  }

  /** Removes tombstones by hash (UNSUPPRESS); returns how many existed. */
  async untombstone(workspaceId: string, hashes: readonly string[]): Promise<number> {
    if (hashes.length === 0) return 0;
    return this.sql.execute(`DELETE FROM erasure_tombstones WHERE workspace_id = $1 AND ${this.sql.dialect.inList('hash', 2)}`, [
      workspaceId,
      this.sql.dialect.listParam(hashes),
    ]);
  }

  /** Drops the tombstones of an erasure that does not suppress (kind DELETE), once it has completed. */
  async dropUnsuppressed(erasureId: string): Promise<void> {
    await this.sql.execute('DELETE FROM erasure_tombstones WHERE erasure_id = $1 AND suppress = 0', [erasureId]);
  }

  /** Enabled destinations of the workspace that have not read the change log up to `seq` yet. */
  async destinationsBehind(workspaceId: string, seq: number): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM destinations WHERE workspace_id = $1 AND enabled = 1 AND cursor_seq < $2',
      [workspaceId, seq],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Deliveries about these profiles still waiting to be sent (or retried). */
  async pendingDeliveries(workspaceId: string, profileIds: readonly string[]): Promise<number> {
    if (profileIds.length === 0) return 0;
    const rows = await this.sql.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM destination_deliveries WHERE workspace_id = $1 AND status = 'pending' AND ${this.sql.dialect.inList('profile_id', 2)}`,
      [workspaceId, this.sql.dialect.listParam(profileIds)],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

function fromRow(r: ErasureRow): ErasureWork {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind as ErasureKind,
    status: r.status as ErasureStatus,
    profileIds: fromJson(r.profile_ids) as string[],
    pseudonym: r.pseudonym,
    profiles: Number(r.profiles),
    identifiers: Number(r.identifiers),
    exits: Number(r.exits),
    exitSeq: Number(r.exit_seq ?? 0),
    deleted: fromJson(r.deleted) as Record<string, number>,
    dropped: Number(r.dropped),
    detail: r.detail,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deadlineAt: Number(r.deadline_at),
    completedAt: r.completed_at === null || r.completed_at === undefined ? null : Number(r.completed_at),
  };
}
