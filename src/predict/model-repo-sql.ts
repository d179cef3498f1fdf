import type { SqlExecutor } from '../store/index.js';
import type { ModelKind, TrainedModel } from './model-spec.js';

interface Row extends Record<string, unknown> {
  body: string;
}

/** `predict_models`: every trained (or imported) model version, with its predictor and evaluation as JSON. */
export class ModelRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** The next version number for a model name (1 for a new name). */
  async nextVersion(workspaceId: string, name: string): Promise<number> {
    const rows = await this.sql.query<{ v: unknown }>('SELECT MAX(version) AS v FROM predict_models WHERE workspace_id = $1 AND name = $2', [workspaceId, name]);
    return Number(rows[0]?.v ?? 0) + 1;
  }

  /** Stores a model version (a version is written once). */
  async save(workspaceId: string, model: TrainedModel): Promise<void> {
    await this.sql.execute('INSERT INTO predict_models (workspace_id, name, version, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      workspaceId,
      model.name,
      model.version,
      model.kind satisfies ModelKind,
      JSON.stringify(model),
      model.createdAt,
    ]);
  }

  /** The latest version of a model, or undefined. */
  async latest(workspaceId: string, name: string): Promise<TrainedModel | undefined> {
    const rows = await this.sql.query<Row>('SELECT body FROM predict_models WHERE workspace_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1', [workspaceId, name]);
    return rows[0] === undefined ? undefined : (JSON.parse(rows[0].body) as TrainedModel);
  }

  /** The latest version number of every model name of the workspace. */
  async latestVersions(workspaceId: string): Promise<{ name: string; version: number }[]> {
    const rows = await this.sql.query<{ name: string; v: unknown }>(
      'SELECT name, MAX(version) AS v FROM predict_models WHERE workspace_id = $1 GROUP BY name ORDER BY name',
      [workspaceId],
    );
    return rows.map((r) => ({ name: r.name, version: Number(r.v) }));
  }

  /** One model version, or undefined. */
  async get(workspaceId: string, name: string, version: number): Promise<TrainedModel | undefined> {
    const rows = await this.sql.query<Row>('SELECT body FROM predict_models WHERE workspace_id = $1 AND name = $2 AND version = $3', [workspaceId, name, version]);
    return rows[0] === undefined ? undefined : (JSON.parse(rows[0].body) as TrainedModel);
  }

  /** The latest version of every model of the workspace, by name. */
  async latestAll(workspaceId: string): Promise<TrainedModel[]> {
    const rows = await this.sql.query<Row>(
      `SELECT m.body FROM predict_models m
       WHERE m.workspace_id = $1 AND m.version = (SELECT MAX(version) FROM predict_models x WHERE x.workspace_id = m.workspace_id AND x.name = m.name)
       ORDER BY m.name`,
      [workspaceId],
    );
    return rows.map((r) => JSON.parse(r.body) as TrainedModel);
  }
}
