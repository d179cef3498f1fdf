import type { SqlExecutor } from '../store/index.js';

/** One segment a person is in, as an email-targeting destination knows it. */
export interface ToldMembership {
  readonly segmentId: string;
  /** Whether the destination was sent the `entered` (false: suppressed while the person was not email-eligible). */
  readonly told: boolean;
}

/**
 * Per email-targeting destination: the segments each person is in (from the change log) and whether the
 * destination has been told. Kept in the same transaction as the deliveries it causes, so suppression
 * decisions replay exactly after a restart.
 */
export class ToldMembershipRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  async of(destinationId: string, profileId: string): Promise<ToldMembership[]> {
    const rows = await this.sql.query<{ segment_id: string; told: unknown }>(
      'SELECT segment_id, told FROM destination_members WHERE destination_id = $1 AND profile_id = $2 ORDER BY segment_id',
      [destinationId, profileId],
    );
    return rows.map((r) => ({ segmentId: r.segment_id, told: Number(r.told) === 1 }));
  }

  async get(destinationId: string, profileId: string, segmentId: string): Promise<ToldMembership | undefined> {
    const rows = await this.sql.query<{ told: unknown }>(
      'SELECT told FROM destination_members WHERE destination_id = $1 AND profile_id = $2 AND segment_id = $3',
      [destinationId, profileId, segmentId],
    );
    return rows[0] && { segmentId, told: Number(rows[0].told) === 1 };
  }

  async set(destinationId: string, profileId: string, segmentId: string, told: boolean): Promise<void> {
    await this.sql.execute(
      `INSERT INTO destination_members (destination_id, profile_id, segment_id, told) VALUES ($1, $2, $3, $4)
       ON CONFLICT (destination_id, profile_id, segment_id) DO UPDATE SET told = excluded.told`,
      [destinationId, profileId, segmentId, told ? 1 : 0],
    );
  }

  async remove(destinationId: string, profileId: string, segmentId: string): Promise<void> {
    await this.sql.execute('DELETE FROM destination_members WHERE destination_id = $1 AND profile_id = $2 AND segment_id = $3', [
      destinationId,
      profileId,
      segmentId,
    ]);
  }
}
