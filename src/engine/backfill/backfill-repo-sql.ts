import type { ChangeCause } from '../../core/index.js';
import type { SqlExecutor } from '../../store/index.js';

/** `recompute`: evaluate the segment over every profile's history; `delete`: every member of a deleted segment exits. */
export type BackfillKind = 'recompute' | 'delete';

/** Where a segment's background backfill stands. */
export type BackfillState = 'running' | 'done';

/**
 * One segment's backfill as one engine runs it: the checkpoint row in `segment_backfills` (the single engine), or
 * in a cluster that row's metadata with one partition's checkpoint from `segment_backfill_parts` (`part` set).
 */
export interface BackfillJob {
  readonly segmentId: string;
  readonly workspaceId: string;
  /** The partition whose checkpoint this is (a partition's engine), or undefined for the whole log. */
  readonly part?: number | undefined;
  /** Changes on every save of the segment: a slice of an older job finds its row gone and rolls back. */
  readonly jobId: string;
  readonly segmentVersion: number;
  readonly kind: BackfillKind;
  /** The cause recorded with the changes (`backfill`, `rule_edit`, `segment_deleted`, `dependency`). */
  readonly cause: ChangeCause;
  readonly state: BackfillState;
  /** The checkpoint: every profile id ≤ this (code point order) is done; '' before the first slice. */
  readonly afterProfile: string;
  /** Stored events (up to `uptoSeq`) of the profiles done. */
  readonly done: number;
  /** Stored events of the workspace (of the partition, for a part) up to `uptoSeq`; -1 until the first slice counted them. */
  readonly total: number;
  /** The log position the progress counts up to (0 until the first slice). */
  readonly uptoSeq: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

/** What a save asks to backfill: one row per affected segment. */
export interface BackfillStart {
  readonly segmentId: string;
  readonly workspaceId: string;
  readonly jobId: string;
  readonly segmentVersion: number;
  readonly kind: BackfillKind;
  readonly cause: ChangeCause;
  readonly at: number;
}

/** A backfill's progress over all its checkpoints (one, or one per partition), for the API. */
export interface BackfillSummary {
  readonly segmentVersion: number;
  readonly state: BackfillState;
  /** Stored events of the profiles passed, summed over the partitions. */
  readonly done: number;
  /** Stored events to pass, summed over the partitions that counted them (a partition counts at its first slice). */
  readonly total: number;
  /** Partitions whose part is done, out of `parts` (both 0 for a single-engine backfill). */
  readonly partsDone: number;
  readonly parts: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

interface Row extends Record<string, unknown> {
  segment_id: string;
  workspace_id: string;
  job_id: string;
  segment_version: unknown;
  kind: string;
  cause: string;
  state: string;
  after_profile: string;
  done: unknown;
  total: unknown;
  upto_seq: unknown;
  started_at: unknown;
  updated_at: unknown;
  part?: unknown;
  parts?: unknown;
}

function toJob(r: Row): BackfillJob {
  return {
    segmentId: r.segment_id,
    workspaceId: r.workspace_id,
    part: r.part === undefined || r.part === null ? undefined : Number(r.part),
    jobId: r.job_id,
    segmentVersion: Number(r.segment_version),
    kind: r.kind === 'delete' ? 'delete' : 'recompute',
    cause: JSON.parse(r.cause) as ChangeCause,
    state: r.state === 'done' ? 'done' : 'running',
    afterProfile: r.after_profile,
    done: Number(r.done),
    total: Number(r.total),
    uptoSeq: Number(r.upto_seq),
    startedAt: Number(r.started_at),
    updatedAt: Number(r.updated_at),
  };
}

/** The `segment_backfills` checkpoint rows and their per-partition `segment_backfill_parts`, for both dialects. */
export class BackfillRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Starts (or restarts) the backfill of each segment from the first profile. A row already there, running or
   * done, is replaced with a new job id: that is how a new save supersedes a backfill in progress. With `parts`
   * (a cluster: the log's number of partitions) the job gets one checkpoint row per partition, each run by that
   * partition's engine; without, the job row is the single engine's checkpoint.
   */
  async start(jobs: readonly BackfillStart[], parts = 0): Promise<void> {
    for (const j of jobs) {
      await this.sql.execute(
        `INSERT INTO segment_backfills
           (segment_id, workspace_id, job_id, segment_version, kind, cause, state, after_profile, done, total, upto_seq, started_at, updated_at, parts)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', '', 0, -1, 0, $7, $7, $8)
         ON CONFLICT (segment_id) DO UPDATE SET
           workspace_id = excluded.workspace_id, job_id = excluded.job_id, segment_version = excluded.segment_version,
           kind = excluded.kind, cause = excluded.cause, state = 'running', after_profile = '', done = 0, total = -1,
           upto_seq = 0, started_at = excluded.started_at, updated_at = excluded.updated_at, parts = excluded.parts`,
        [j.segmentId, j.workspaceId, j.jobId, j.segmentVersion, j.kind, JSON.stringify(j.cause), j.at, parts],
      );
      // The job row first, then its parts: a partition's slice locks them in the same order (see advance).
      await this.sql.execute('DELETE FROM segment_backfill_parts WHERE segment_id = $1', [j.segmentId]);
      if (parts <= 0) continue;
      const values = Array.from({ length: parts }, (_, p) => `($1, ${p}, $2, 'running', '', 0, -1, 0, $3)`).join(', ');
      await this.sql.execute(
        `INSERT INTO segment_backfill_parts (segment_id, part, job_id, state, after_profile, done, total, upto_seq, updated_at) VALUES ${values}`,
        [j.segmentId, j.jobId, j.at],
      );
    }
  }

  /**
   * Every backfill still running, oldest first: the single engine's (`part` undefined), or the running
   * checkpoints of one partition (a partition's engine).
   */
  async running(part?: number): Promise<BackfillJob[]> {
    if (part === undefined) {
      const rows = await this.sql.query<Row>("SELECT * FROM segment_backfills WHERE state = 'running' AND parts = 0 ORDER BY started_at, segment_id");
      return rows.map(toJob);
    }
    const rows = await this.sql.query<Row>(
      `SELECT b.segment_id, b.workspace_id, p.job_id, b.segment_version, b.kind, b.cause, p.state, p.after_profile, p.done, p.total,
              p.upto_seq, b.started_at, p.updated_at, p.part
       FROM segment_backfill_parts p JOIN segment_backfills b ON b.segment_id = p.segment_id AND b.job_id = p.job_id
       WHERE p.part = $1 AND p.state = 'running' ORDER BY b.started_at, b.segment_id`,
      [part],
    );
    return rows.map(toJob);
  }

  /** Whether any backfill of the workspace is still running (on any engine, in any partition). */
  async anyRunning(workspaceId: string): Promise<boolean> {
    const rows = await this.sql.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM segment_backfills WHERE workspace_id = $1 AND state = 'running'", [
      workspaceId,
    ]);
    return Number(rows[0]?.n ?? 0) > 0;
  }

  /** One segment's backfill row (running or done), if it ever had one; its own checkpoint (not a partition's). */
  async get(segmentId: string): Promise<BackfillJob | undefined> {
    const rows = await this.sql.query<Row>('SELECT * FROM segment_backfills WHERE segment_id = $1', [segmentId]);
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /** A partitioned backfill's checkpoints, by partition (empty for a single-engine one). */
  async parts(segmentId: string): Promise<BackfillJob[]> {
    const rows = await this.sql.query<Row>(
      `SELECT b.segment_id, b.workspace_id, p.job_id, b.segment_version, b.kind, b.cause, p.state, p.after_profile, p.done, p.total,
              p.upto_seq, b.started_at, p.updated_at, p.part
       FROM segment_backfill_parts p JOIN segment_backfills b ON b.segment_id = p.segment_id AND b.job_id = p.job_id
       WHERE p.segment_id = $1 ORDER BY p.part`,
      [segmentId],
    );
    return rows.map(toJob);
  }

  /**
   * A segment's backfill progress over all its checkpoints: the job row's own, or the sum of its partitions'
   * (a partition that has not run its first slice yet has counted nothing: `total` grows as they start).
   */
  async summary(segmentId: string): Promise<BackfillSummary | undefined> {
    const rows = await this.sql.query<Row>('SELECT * FROM segment_backfills WHERE segment_id = $1', [segmentId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    const job = toJob(row);
    const base = { segmentVersion: job.segmentVersion, state: job.state, startedAt: job.startedAt };
    const parts = Number(row.parts ?? 0);
    if (parts <= 0) {
      const total = Math.max(job.total, 0);
      return { ...base, done: job.state === 'done' ? total : Math.min(job.done, total), total, partsDone: 0, parts: 0, updatedAt: job.updatedAt };
    }
    let done = 0;
    let total = 0;
    let partsDone = 0;
    let updatedAt = job.updatedAt;
    for (const p of await this.parts(segmentId)) {
      const counted = Math.max(p.total, 0);
      total += counted;
      done += p.state === 'done' ? counted : Math.min(p.done, counted);
      if (p.state === 'done') partsDone += 1;
      updatedAt = Math.max(updatedAt, p.updatedAt);
    }
    return { ...base, done, total, partsDone, parts, updatedAt };
  }

  /**
   * Moves a job's checkpoint (and progress) forward, or marks it done. Returns false when the job was superseded
   * (its row now holds another job id): the caller's transaction must then roll back.
   *
   * A partition's checkpoint (`job.part` set) locks the job row first (the order a save takes them in, so the two
   * cannot deadlock), then moves its part row; the part that finishes last marks the job row done. The lock is
   * what makes "last" exact on PostgreSQL: two partitions finishing at once are serialised on the job row, and
   * the second, whose statements read after the first's commit, sees it done.
   */
  async advance(job: BackfillJob, next: { afterProfile: string; done: number; total: number; uptoSeq: number; state: BackfillState; at: number }): Promise<boolean> {
    if (job.part === undefined) {
      const n = await this.sql.execute(
        `UPDATE segment_backfills SET after_profile = $3, done = $4, total = $5, upto_seq = $6, state = $7, updated_at = $8
         WHERE segment_id = $1 AND job_id = $2`,
        [job.segmentId, job.jobId, next.afterProfile, next.done, next.total, next.uptoSeq, next.state, next.at],
      );
      return n > 0;
    }
    const locked = await this.sql.execute(
      'UPDATE segment_backfills SET updated_at = CASE WHEN updated_at > $3 THEN updated_at ELSE $3 END WHERE segment_id = $1 AND job_id = $2',
      [job.segmentId, job.jobId, next.at],
    );
    if (locked === 0) return false;
    const n = await this.sql.execute(
      `UPDATE segment_backfill_parts SET after_profile = $4, done = $5, total = $6, upto_seq = $7, state = $8, updated_at = $9
       WHERE segment_id = $1 AND part = $2 AND job_id = $3`,
      [job.segmentId, job.part, job.jobId, next.afterProfile, next.done, next.total, next.uptoSeq, next.state, next.at],
    );
    if (n === 0) return false;
    if (next.state === 'done') {
      await this.sql.execute(
        `UPDATE segment_backfills SET state = 'done' WHERE segment_id = $1 AND job_id = $2
           AND NOT EXISTS (SELECT 1 FROM segment_backfill_parts WHERE segment_id = $1 AND job_id = $2 AND state <> 'done')`,
        [job.segmentId, job.jobId],
      );
    }
    return true;
  }

  /**
   * Stored events of a workspace with `seq ≤ uptoSeq` and profile id in (after, upto] (no upper bound when `upto`
   * is undefined); with `part`, only those stored in that partition.
   */
  async countEvents(workspaceId: string, after: string, upto: string | undefined, uptoSeq: number, part?: number): Promise<number> {
    const params: unknown[] = [workspaceId, after, uptoSeq];
    let where = 'workspace_id = $1 AND profile_id > $2 AND seq <= $3';
    if (upto !== undefined) where += ` AND profile_id <= $${params.push(upto)}`;
    if (part !== undefined) where += ` AND part = $${params.push(part)}`;
    const rows = await this.sql.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }
}
