import type { SqlExecutor } from '../../store/index.js';
import type { ExperimentDefinition } from './experiment-definition.js';
import type { ArmAggregate, Conversion, ExperimentRecord, ExperimentStatus, Exposure } from './experiment-record.js';

interface ExperimentRow {
  id: string;
  workspace_id: string;
  name: string;
  definition: string;
  salt: string;
  status: string;
  created_at: unknown;
  updated_at: unknown;
  [key: string]: unknown;
}

function toRecord(row: ExperimentRow): ExperimentRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    definition: JSON.parse(row.definition) as ExperimentDefinition,
    salt: row.salt,
    status: row.status as ExperimentStatus,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/** Rows per multi-row INSERT: well under SQLite's 32,766 parameters and PostgreSQL's 65,535. */
const CHUNK = 500;

/**
 * Experiments, exposures, conversions and the worker's cursors, written once for SQLite and PostgreSQL. Every
 * write is idempotent (`ON CONFLICT DO NOTHING` on natural keys: one exposure per person and experiment, one
 * conversion per metric and event), so replaying a batch after a crash between the effects and the cursor
 * move — impossible here as both commit together, but cheap insurance — counts nothing twice.
 */
export class ExperimentRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Saves a new experiment; false when the name is taken in the workspace. */
  async insert(record: ExperimentRecord): Promise<boolean> {
    const changed = await this.sql.execute(
      `INSERT INTO experiments (id, workspace_id, name, definition, salt, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, name) DO NOTHING`,
      [record.id, record.workspaceId, record.name, JSON.stringify(record.definition), record.salt, record.status, record.createdAt, record.updatedAt],
    );
    return changed === 1;
  }

  /** By id or by name. */
  async get(workspaceId: string, idOrName: string): Promise<ExperimentRecord | undefined> {
    const rows = await this.sql.query<ExperimentRow>('SELECT * FROM experiments WHERE workspace_id = $1 AND (id = $2 OR name = $2)', [workspaceId, idOrName]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The workspace's experiments, oldest first. */
  async list(workspaceId: string): Promise<ExperimentRecord[]> {
    const rows = await this.sql.query<ExperimentRow>('SELECT * FROM experiments WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
    return rows.map(toRecord);
  }

  /** Running experiments of every workspace (what the worker records for). */
  async listRunning(): Promise<ExperimentRecord[]> {
    const rows = await this.sql.query<ExperimentRow>("SELECT * FROM experiments WHERE status = 'running' ORDER BY created_at, id");
    return rows.map(toRecord);
  }

  /** Changes the status. */
  async setStatus(id: string, status: ExperimentStatus, at: number): Promise<void> {
    await this.sql.execute('UPDATE experiments SET status = $2, updated_at = $3 WHERE id = $1', [id, status, at]);
  }

  /** Removes an experiment and everything recorded for it. */
  async delete(id: string): Promise<void> {
    await this.sql.execute('DELETE FROM experiment_rule_results WHERE experiment_id = $1', [id]);
    await this.sql.execute('DELETE FROM experiment_conversions WHERE experiment_id = $1', [id]);
    await this.sql.execute('DELETE FROM experiment_exposures WHERE experiment_id = $1', [id]);
    await this.sql.execute('DELETE FROM experiments WHERE id = $1', [id]);
  }

  /** Records exposures; returns those that were new (a person's later re-entries are not exposures). */
  async recordExposures(exposures: readonly Exposure[]): Promise<Exposure[]> {
    const fresh: Exposure[] = [];
    // one person may appear twice in a batch (entered, exited, entered): the first entry is the exposure
    const seen = new Set<string>();
    const unique = exposures.filter((e) => {
      const key = `${e.experimentId}\u0000${e.profileId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const rows = await this.sql.query<{ experiment_id: string; profile_id: string }>(
        `INSERT INTO experiment_exposures (experiment_id, profile_id, arm, exposed_at) VALUES ${chunk.map((_, k) => `(${placeholders(4, k * 4 + 1)})`).join(', ')}
         ON CONFLICT (experiment_id, profile_id) DO NOTHING RETURNING experiment_id, profile_id`,
        chunk.flatMap((e) => [e.experimentId, e.profileId, e.arm, e.exposedAt]),
      );
      const inserted = new Set(rows.map((r) => `${r.experiment_id}\u0000${r.profile_id}`));
      for (const e of chunk) if (inserted.has(`${e.experimentId}\u0000${e.profileId}`)) fresh.push(e);
    }
    return fresh;
  }

  /** The exposures of these profiles in the given experiments. */
  async exposuresOf(experimentIds: readonly string[], profileIds: readonly string[]): Promise<Exposure[]> {
    if (experimentIds.length === 0 || profileIds.length === 0) return [];
    const out: Exposure[] = [];
    for (let i = 0; i < profileIds.length; i += CHUNK) {
      const chunk = profileIds.slice(i, i + CHUNK);
      const rows = await this.sql.query<{ experiment_id: string; profile_id: string; arm: string; exposed_at: unknown }>(
        `SELECT experiment_id, profile_id, arm, exposed_at FROM experiment_exposures
         WHERE profile_id IN (${placeholders(chunk.length)}) AND experiment_id IN (${placeholders(experimentIds.length, chunk.length + 1)})`,
        [...chunk, ...experimentIds],
      );
      for (const r of rows) out.push({ experimentId: r.experiment_id, profileId: r.profile_id, arm: r.arm, exposedAt: Number(r.exposed_at) });
    }
    return out;
  }

  /** Records conversions (one already recorded for the same metric and event is ignored); returns how many were new. */
  async recordConversions(conversions: readonly Conversion[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < conversions.length; i += CHUNK) {
      const chunk = conversions.slice(i, i + CHUNK);
      const values = chunk.map((_, k) => `(${placeholders(6, k * 6 + 1)})`).join(', ');
      inserted += await this.sql.execute(
        `INSERT INTO experiment_conversions (experiment_id, metric, event_seq, profile_id, value, at) VALUES ${values}
         ON CONFLICT (experiment_id, metric, event_seq) DO NOTHING`,
        chunk.flatMap((c) => [c.experimentId, c.metric, c.eventSeq, c.profileId, c.value, c.at]),
      );
    }
    return inserted;
  }

  /** Exposures whose rule metric is due (exposedAt + window ≤ now) and not evaluated yet, oldest first. */
  async dueRuleChecks(experimentId: string, metric: string, windowMs: number, now: number, limit: number): Promise<Exposure[]> {
    const rows = await this.sql.query<{ profile_id: string; arm: string; exposed_at: unknown }>(
      `SELECT e.profile_id, e.arm, e.exposed_at FROM experiment_exposures e
       LEFT JOIN experiment_rule_results r ON r.experiment_id = e.experiment_id AND r.metric = $2 AND r.profile_id = e.profile_id
       WHERE e.experiment_id = $1 AND e.exposed_at <= $3 AND r.profile_id IS NULL
       ORDER BY e.exposed_at, e.profile_id LIMIT $4`,
      [experimentId, metric, now - windowMs, limit],
    );
    return rows.map((r) => ({ experimentId, profileId: r.profile_id, arm: r.arm, exposedAt: Number(r.exposed_at) }));
  }

  /** Records rule metric values (true/false per person, once). */
  async recordRuleResults(results: readonly { experimentId: string; metric: string; profileId: string; value: boolean; at: number }[]): Promise<void> {
    for (let i = 0; i < results.length; i += CHUNK) {
      const chunk = results.slice(i, i + CHUNK);
      await this.sql.execute(
        `INSERT INTO experiment_rule_results (experiment_id, metric, profile_id, value, at) VALUES ${chunk.map((_, k) => `(${placeholders(5, k * 5 + 1)})`).join(', ')}
         ON CONFLICT (experiment_id, metric, profile_id) DO NOTHING`,
        chunk.flatMap((r) => [r.experimentId, r.metric, r.profileId, r.value ? 1 : 0, r.at]),
      );
    }
  }

  /** Per arm, for a rule metric: how many exposed people were evaluated and for how many the rule held. */
  async aggregateRule(experimentId: string, metric: string): Promise<Map<string, { evaluated: number; held: number }>> {
    const rows = await this.sql.query<{ arm: string; evaluated: unknown; held: unknown }>(
      `SELECT e.arm AS arm, COUNT(*) AS evaluated, SUM(r.value) AS held
       FROM experiment_rule_results r JOIN experiment_exposures e ON e.experiment_id = r.experiment_id AND e.profile_id = r.profile_id
       WHERE r.experiment_id = $1 AND r.metric = $2 GROUP BY e.arm`,
      [experimentId, metric],
    );
    return new Map(rows.map((r) => [r.arm, { evaluated: Number(r.evaluated), held: Number(r.held ?? 0) }]));
  }

  /**
   * Per arm and UTC day: new exposures, and per conversion metric the people who converted for the first time
   * that day — the raw material of a cumulative chart. Integer division by 86,400,000 is the day on both
   * dialects (both divide integers as integers).
   */
  async daily(experimentId: string, metrics: readonly string[]): Promise<{ arm: string; day: number; exposures: number; converters: Record<string, number> }[]> {
    const key = (arm: string, day: number): string => `${arm}\u0000${day}`;
    const out = new Map<string, { arm: string; day: number; exposures: number; converters: Record<string, number> }>();
    const cell = (arm: string, day: number) => {
      let c = out.get(key(arm, day));
      if (!c) out.set(key(arm, day), (c = { arm, day, exposures: 0, converters: {} }));
      return c;
    };
    const exposures = await this.sql.query<{ arm: string; day: unknown; n: unknown }>(
      'SELECT arm, exposed_at / 86400000 AS day, COUNT(*) AS n FROM experiment_exposures WHERE experiment_id = $1 GROUP BY arm, exposed_at / 86400000',
      [experimentId],
    );
    for (const r of exposures) cell(r.arm, Number(r.day)).exposures = Number(r.n);
    for (const metric of metrics) {
      const rows = await this.sql.query<{ arm: string; day: unknown; n: unknown }>(
        `SELECT e.arm AS arm, f.first_at / 86400000 AS day, COUNT(*) AS n
         FROM (SELECT profile_id, MIN(at) AS first_at FROM experiment_conversions WHERE experiment_id = $1 AND metric = $2 GROUP BY profile_id) f
         JOIN experiment_exposures e ON e.experiment_id = $1 AND e.profile_id = f.profile_id
         GROUP BY e.arm, f.first_at / 86400000`,
        [experimentId, metric],
      );
      for (const r of rows) cell(r.arm, Number(r.day)).converters[metric] = Number(r.n);
    }
    return [...out.values()].sort((a, b) => a.day - b.day || a.arm.localeCompare(b.arm));
  }

  /** A worker cursor (0 at first start). */
  async cursor(name: string): Promise<number> {
    const rows = await this.sql.query<{ seq: unknown }>('SELECT seq FROM experiment_cursors WHERE name = $1', [name]);
    return Number(rows[0]?.seq ?? 0);
  }

  /** Moves a worker cursor (never backwards). */
  async setCursor(name: string, seq: number): Promise<void> {
    await this.sql.execute(
      `INSERT INTO experiment_cursors (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN excluded.seq > experiment_cursors.seq THEN excluded.seq ELSE experiment_cursors.seq END`,
      [name, seq],
    );
  }

  /**
   * Per arm: the exposures and, per metric, how many exposed people converted and the sum and sum of squares
   * of each person's total (non-converters add 0 to both). Two grouped queries per metric, no per-person rows
   * leave the database.
   */
  async aggregate(experimentId: string, metrics: readonly string[]): Promise<ArmAggregate[]> {
    const arms = await this.sql.query<{ arm: string; n: unknown }>(
      'SELECT arm, COUNT(*) AS n FROM experiment_exposures WHERE experiment_id = $1 GROUP BY arm',
      [experimentId],
    );
    const result = new Map<string, { arm: string; exposures: number; metrics: Record<string, { people: number; sum: number; sumOfSquares: number }> }>();
    for (const a of arms) result.set(a.arm, { arm: a.arm, exposures: Number(a.n), metrics: {} });
    for (const metric of metrics) {
      const rows = await this.sql.query<{ arm: string; people: unknown; total: unknown; squares: unknown }>(
        `SELECT e.arm AS arm, COUNT(*) AS people, SUM(t.total) AS total, SUM(t.total * t.total) AS squares
         FROM (SELECT profile_id, SUM(value) AS total FROM experiment_conversions
               WHERE experiment_id = $1 AND metric = $2 GROUP BY profile_id) t
         JOIN experiment_exposures e ON e.experiment_id = $1 AND e.profile_id = t.profile_id
         GROUP BY e.arm`,
        [experimentId, metric],
      );
      for (const r of rows) {
        const arm = result.get(r.arm);
        if (arm) arm.metrics[metric] = { people: Number(r.people), sum: Number(r.total ?? 0), sumOfSquares: Number(r.squares ?? 0) };
      }
    }
    return [...result.values()];
  }
}
