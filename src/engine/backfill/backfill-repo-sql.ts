import type { ChangeCause } from '../../core/index.js';
import type { SqlExecutor } from '../../store/index.js';

/** `recompute`: evaluate the segment over every profile's history; `delete`: every member of a deleted segment exits. */
export type BackfillKind = 'recompute' | 'delete';

/** Where a segment's background backfill stands. */
export type BackfillState = 'running' | 'done';

/** One segment's backfill: its checkpoint row in `segment_backfills`. */
export interface BackfillJob {
  readonly segmentId: string;
  readonly workspaceId: string;
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
  /** Stored events of the workspace up to `uptoSeq`; -1 until the first slice counted them. */
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
}

function toJob(r: Row): BackfillJob {
  return {
    segmentId: r.segment_id,
    workspaceId: r.workspace_id,
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

/** The `segment_backfills` checkpoint rows, for both dialects. */
export class BackfillRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Starts (or restarts) the backfill of each segment from the first profile. A row already there, running or
   * done, is replaced with a new job id: that is how a new save supersedes a backfill in progress.
   */
  async start(jobs: readonly BackfillStart[]): Promise<void> {
    for (const j of jobs) {
      await this.sql.execute(
        `INSERT INTO segment_backfills
           (segment_id, workspace_id, job_id, segment_version, kind, cause, state, after_profile, done, total, upto_seq, started_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', '', 0, -1, 0, $7, $7)
         ON CONFLICT (segment_id) DO UPDATE SET
           workspace_id = excluded.workspace_id, job_id = excluded.job_id, segment_version = excluded.segment_version,
           kind = excluded.kind, cause = excluded.cause, state = 'running', after_profile = '', done = 0, total = -1,
           upto_seq = 0, started_at = excluded.started_at, updated_at = excluded.updated_at`,
        [j.segmentId, j.workspaceId, j.jobId, j.segmentVersion, j.kind, JSON.stringify(j.cause), j.at],
      );
    }
  }

  /** Every backfill still running, oldest first. */
  async running(): Promise<BackfillJob[]> {
    const rows = await this.sql.query<Row>("SELECT * FROM segment_backfills WHERE state = 'running' ORDER BY started_at, segment_id");
    return rows.map(toJob);
  }

  /** One segment's backfill row (running or done), if it ever had one. */
  async get(segmentId: string): Promise<BackfillJob | undefined> {
    const rows = await this.sql.query<Row>('SELECT * FROM segment_backfills WHERE segment_id = $1', [segmentId]);
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /**
   * Moves a job's checkpoint (and progress) forward, or marks it done. Returns false when the job was superseded
   * (its row now holds another job id): the caller's transaction must then roll back.
   */
  async advance(job: BackfillJob, next: { afterProfile: string; done: number; total: number; uptoSeq: number; state: BackfillState; at: number }): Promise<boolean> {
    const n = await this.sql.execute(
      `UPDATE segment_backfills SET after_profile = $3, done = $4, total = $5, upto_seq = $6, state = $7, updated_at = $8
       WHERE segment_id = $1 AND job_id = $2`,
      [job.segmentId, job.jobId, next.afterProfile, next.done, next.total, next.uptoSeq, next.state, next.at],
    );
    return n > 0;
  }

  /** Stored events of a workspace with `seq ≤ uptoSeq` and profile id in (after, upto] (no upper bound when `upto` is undefined). */
  async countEvents(workspaceId: string, after: string, upto: string | undefined, uptoSeq: number): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM events WHERE workspace_id = $1 AND profile_id > $2 AND seq <= $3${upto === undefined ? '' : ' AND profile_id <= $4'}`,
      upto === undefined ? [workspaceId, after, uptoSeq] : [workspaceId, after, uptoSeq, upto],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
