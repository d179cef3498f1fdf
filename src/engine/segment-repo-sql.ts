import type { Segment } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';

interface SegmentRow extends Record<string, unknown> {
  id: string;
  workspace_id: string;
  name: string;
  description: string;
  version: unknown;
  rule_text: string;
  rule_json: string;
  grp: string | null;
  priority: unknown;
  created_at: unknown;
  updated_at: unknown;
}

function toSegment(r: SegmentRow): Segment {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    description: r.description,
    version: Number(r.version),
    ruleText: r.rule_text,
    ruleJson: JSON.parse(r.rule_json) as unknown,
    group: r.grp,
    priority: Number(r.priority),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Saved segments (current versions) and their version history, for both dialects. */
export class SegmentRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Every live segment of every workspace (what the engine loads). */
  async listAll(): Promise<Segment[]> {
    return (await this.sql.query<SegmentRow>('SELECT * FROM segments ORDER BY workspace_id, name')).map(toSegment);
  }

  /** The live segments of one workspace, by name. */
  async list(workspaceId: string): Promise<Segment[]> {
    const rows = await this.sql.query<SegmentRow>('SELECT * FROM segments WHERE workspace_id = $1 ORDER BY name', [workspaceId]);
    return rows.map(toSegment);
  }

  /** A segment by id or by name. */
  async get(workspaceId: string, idOrName: string): Promise<Segment | undefined> {
    const rows = await this.sql.query<SegmentRow>(
      'SELECT * FROM segments WHERE workspace_id = $1 AND (id = $2 OR name = $2) ORDER BY (id = $2) DESC LIMIT 1',
      [workspaceId, idOrName],
    );
    return rows[0] === undefined ? undefined : toSegment(rows[0]);
  }

  /** Inserts or replaces the current version, and records it in the version history. */
  async save(segment: Segment): Promise<void> {
    await this.sql.execute(
      `INSERT INTO segments (id, workspace_id, name, description, version, rule_text, rule_json, grp, priority, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, version = excluded.version,
         rule_text = excluded.rule_text, rule_json = excluded.rule_json, grp = excluded.grp, priority = excluded.priority,
         updated_at = excluded.updated_at`,
      [
        segment.id,
        segment.workspaceId,
        segment.name,
        segment.description,
        segment.version,
        segment.ruleText,
        JSON.stringify(segment.ruleJson),
        segment.group,
        segment.priority,
        segment.createdAt,
        segment.updatedAt,
      ],
    );
    await this.sql.execute(
      `INSERT INTO segment_versions (segment_id, version, workspace_id, name, rule_text, rule_json, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (segment_id, version) DO NOTHING`,
      [segment.id, segment.version, segment.workspaceId, segment.name, segment.ruleText, JSON.stringify(segment.ruleJson), segment.updatedAt],
    );
    await this.bumpGeneration();
  }

  /** Removes a segment (its versions stay, marked deleted). */
  async delete(segment: Segment): Promise<void> {
    await this.sql.execute('DELETE FROM segments WHERE id = $1', [segment.id]);
    await this.sql.execute('UPDATE segment_versions SET deleted = 1 WHERE segment_id = $1', [segment.id]);
    await this.bumpGeneration();
  }

  /**
   * The segments' generation: a counter that every save and delete moves, in the same transaction, so an engine
   * in another process sees that the rules it compiled are stale (read it BEFORE {@link listAll}: a change
   * between the two reads then shows as a newer generation and triggers one more reload, never a missed one).
   */
  async generation(): Promise<number> {
    const rows = await this.sql.query<{ generation: unknown }>('SELECT generation FROM segment_generation WHERE id = 1');
    return Number(rows[0]?.generation ?? 0);
  }

  private async bumpGeneration(): Promise<void> {
    await this.sql.execute('UPDATE segment_generation SET generation = generation + 1 WHERE id = 1');
  }
}
