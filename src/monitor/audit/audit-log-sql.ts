import type { SqlExecutor } from '../../store/index.js';
import { chainHash, GENESIS_HASH, verifyRows, type AuditEntry, type AuditRecord, type AuditVerification } from './audit-chain.js';

/** Advisory lock class serialising appends to the audit chain across processes (PostgreSQL). */
const AUDIT_LOCK_CLASS = 0x5ef6;

/** Filters of {@link AuditLogSql.list}; all optional. */
export interface AuditQuery {
  /** Only rows after this seq (paging: pass the last seq of the previous page). */
  readonly after?: number;
  readonly limit?: number;
  /** Epoch ms bounds on `at`, inclusive. */
  readonly since?: number;
  readonly until?: number;
  readonly actor?: string;
  readonly method?: string;
  /** Route patterns starting with this text (`/api/segments`). */
  readonly route?: string;
}

interface AuditRow extends Record<string, unknown> {
  seq: number;
  workspace_id: string;
  at: number;
  actor: string;
  method: string;
  route: string;
  params: unknown;
  status: number;
  body_digest: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
}

const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    at: Number(row.at),
    actor: row.actor,
    method: row.method,
    route: row.route,
    params: parsed(row.params) as Record<string, string>,
    status: Number(row.status),
    bodyDigest: row.body_digest,
    detail: row.detail === null ? null : parsed(row.detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const COLUMNS = 'seq, workspace_id, at, actor, method, route, params, status, body_digest, detail, prev_hash, hash';

/**
 * The audit log in the store: one chain across all workspaces (one order for the whole installation, so a
 * verifier needs no per-tenant state), read per workspace. Appends take the chain's lock, read the last row
 * and insert the next with its seq chosen here — the hash covers the seq, so it must be known before the
 * insert; the lock (PostgreSQL) or the single writer (SQLite) keeps two appends from choosing the same one.
 */
export class AuditLogSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Appends one entry to the chain; returns it as stored. */
  async append(entry: AuditEntry): Promise<AuditRecord> {
    return this.sql.transaction(async (tx) => {
      await tx.dialect.serialise(tx, AUDIT_LOCK_CLASS);
      const last = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      const seq = last[0] ? Number(last[0].seq) + 1 : 1;
      const prevHash = last[0]?.hash ?? GENESIS_HASH;
      const hash = chainHash(prevHash, seq, entry);
      await tx.execute(
        `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          seq,
          entry.workspaceId,
          entry.at,
          entry.actor,
          entry.method,
          entry.route,
          JSON.stringify(entry.params),
          entry.status,
          entry.bodyDigest,
          entry.detail === null || entry.detail === undefined ? null : JSON.stringify(entry.detail),
          prevHash,
          hash,
        ],
      );
      return { ...entry, seq, prevHash, hash };
    });
  }

  /** A workspace's rows matching `query`, oldest first, at most `limit` (default 100, at most 1,000). */
  async list(workspaceId: string, query: AuditQuery = {}): Promise<AuditRecord[]> {
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.after !== undefined) add('seq > ?', query.after);
    if (query.since !== undefined) add('at >= ?', query.since);
    if (query.until !== undefined) add('at <= ?', query.until);
    if (query.actor !== undefined) add('actor = ?', query.actor);
    if (query.method !== undefined) add('method = ?', query.method);
    if (query.route !== undefined) {
      // A prefix compared without LIKE, so `_` and `%` in a route pattern are plain characters.
      params.push(query.route);
      const p = `CAST($${params.length} AS TEXT)`;
      where.push(`substr(route, 1, length(${p})) = ${p}`);
    }
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1_000);
    const text = `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${limit}`;
    const rows = await this.sql.query<AuditRow>(text, params);
    return rows.map(toRecord);
  }

  /** Recomputes the whole chain, a page at a time; stops at the first broken link. */
  async verify(pageSize = 1_000): Promise<AuditVerification> {
    let state = { lastHash: GENESIS_HASH, lastSeq: 0, checked: 0 };
    for (;;) {
      const rows = (
        await this.sql.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${pageSize}`, [state.lastSeq])
      ).map(toRecord);
      const result = verifyRows(rows, state);
      if (!result.ok || rows.length < pageSize) {
        const { lastSeq: _lastSeq, ...verification } = result;
        return verification;
      }
      state = result;
    }
  }
}
