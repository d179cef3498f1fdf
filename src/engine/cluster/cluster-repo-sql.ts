import type { SqlExecutor } from '../../store/index.js';

/** What a process does in the cluster: everything, only engine work, or only the HTTP API and ingestion. */
export type ClusterRole = 'all' | 'engine' | 'api';

/** A process as its heartbeat row shows it. */
export interface ClusterProcess {
  readonly id: string;
  readonly role: ClusterRole;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

/** A partition's engine lease as stored (`engine_leases` rows named `engine:p<index>`). */
export interface PartitionLease {
  readonly partition: number;
  readonly holder: string;
  readonly epoch: number;
  readonly expiresAt: number;
}

interface ProcessRow extends Record<string, unknown> {
  id: string;
  role: ClusterRole;
  host: string;
  pid: unknown;
  started_at: unknown;
  heartbeat_at: unknown;
  expires_at: unknown;
}

/** The processes' heartbeat rows (`cluster_processes`) and a read of the partition leases. */
export class ClusterRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Inserts or renews this process's row until `expiresAt`. */
  async beat(p: ClusterProcess): Promise<void> {
    await this.sql.execute(
      `INSERT INTO cluster_processes (id, role, host, pid, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
      [p.id, p.role, p.host, p.pid, p.startedAt, p.heartbeatAt, p.expiresAt],
    );
  }

  /** Every process row still alive at `now`, by id; rows of dead processes are deleted first. */
  async live(now: number): Promise<ClusterProcess[]> {
    await this.sql.execute('DELETE FROM cluster_processes WHERE expires_at < $1', [now]);
    const rows = await this.sql.query<ProcessRow>('SELECT * FROM cluster_processes ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      role: r.role,
      host: r.host,
      pid: Number(r.pid),
      startedAt: Number(r.started_at),
      heartbeatAt: Number(r.heartbeat_at),
      expiresAt: Number(r.expires_at),
    }));
  }

  /** Removes this process's row (clean shutdown): the others rebalance at their next heartbeat. */
  async leave(id: string): Promise<void> {
    await this.sql.execute('DELETE FROM cluster_processes WHERE id = $1', [id]);
  }

  /** The partition engines' leases. */
  async partitionLeases(): Promise<PartitionLease[]> {
    const rows = await this.sql.query<{ name: string; holder: string; epoch: unknown; expires_at: unknown }>(
      "SELECT name, holder, epoch, expires_at FROM engine_leases WHERE name LIKE 'engine:p%' ORDER BY name",
    );
    return rows.map((r) => ({ partition: Number(r.name.slice('engine:p'.length)), holder: r.holder, epoch: Number(r.epoch), expiresAt: Number(r.expires_at) }));
  }
}
