import type { SqlExecutor } from '../../store/index.js';

/** A lease held: the fencing epoch every commit made under it must still find in the lease row. */
export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  readonly epoch: number;
}

/** Who holds a lease, for status displays and tests. */
export interface LeaseRow extends HeldLease {
  readonly expiresAt: number;
}

/**
 * The engine's lease rows (`engine_leases`): at most one holder per name, with an expiry renewed by heartbeat
 * and a fencing epoch bumped at every takeover.
 *
 * A row lease rather than PostgreSQL's session advisory locks: a session lock belongs to a connection, and behind
 * a transaction-pooling PgBouncer the connection that took it is handed to other clients (the lock leaks) or the
 * lock is released when the pooler recycles it (two writers). A row and an epoch work through any pooler, and on
 * SQLite too. The price is that a dead holder is replaced only once its lease expires (the lease time), and
 * that expiry compares instants of different processes' clocks (keep them NTP-synchronised; a skew eats into
 * the lease time). The epoch is what makes this safe anyway: see {@link LeaseRepoSql.fence}.
 */
export class LeaseRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Takes the lease `name` for `holder` until `expiresAt` if nobody holds it or its holder let it expire
   * (before `now`), bumping the epoch; undefined when another holder's lease is still running. A holder that
   * takes its own expired lease back gets a new epoch too: whatever it was doing under the old one is fenced.
   */
  async acquire(name: string, holder: string, now: number, expiresAt: number): Promise<HeldLease | undefined> {
    const rows = await this.sql.query<{ epoch: unknown }>(
      `INSERT INTO engine_leases (name, holder, epoch, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, epoch = engine_leases.epoch + 1, expires_at = excluded.expires_at
       WHERE engine_leases.expires_at < $4
       RETURNING epoch`,
      [name, holder, expiresAt, now],
    );
    const row = rows[0];
    return row === undefined ? undefined : { name, holder, epoch: Number(row.epoch) };
  }

  /**
   * Extends a held lease to `expiresAt`; false when it was taken over meanwhile (the epoch moved). A lease that
   * expired but that nobody took is still this holder's: renewing it is safe, since no other commit happened.
   */
  async renew(lease: HeldLease, expiresAt: number): Promise<boolean> {
    const n = await this.sql.execute('UPDATE engine_leases SET expires_at = $3 WHERE name = $1 AND epoch = $2', [
      lease.name,
      lease.epoch,
      expiresAt,
    ]);
    return n > 0;
  }

  /**
   * The fencing check, run inside a commit's transaction before its writes: true while `lease`'s epoch is still
   * the row's. It writes the row (a no-op update), so on PostgreSQL it holds the row lock until the commit: a
   * takeover's `acquire` waits for the commit, or the commit sees the new epoch and rolls back. Either way a
   * stalled former holder's late write never lands after its successor started.
   */
  async fence(lease: HeldLease): Promise<boolean> {
    const n = await this.sql.execute('UPDATE engine_leases SET epoch = epoch WHERE name = $1 AND epoch = $2', [lease.name, lease.epoch]);
    return n > 0;
  }

  /** Gives the lease up (clean shutdown) so a standby takes over at once; a no-op when it was taken over. */
  async release(lease: HeldLease, now: number): Promise<void> {
    await this.sql.execute('UPDATE engine_leases SET expires_at = $3 WHERE name = $1 AND epoch = $2', [lease.name, lease.epoch, now - 1]);
  }

  /** The lease row, if any. */
  async get(name: string): Promise<LeaseRow | undefined> {
    const rows = await this.sql.query<{ holder: string; epoch: unknown; expires_at: unknown }>(
      'SELECT holder, epoch, expires_at FROM engine_leases WHERE name = $1',
      [name],
    );
    const row = rows[0];
    return row === undefined ? undefined : { name, holder: row.holder, epoch: Number(row.epoch), expiresAt: Number(row.expires_at) };
  }
}
