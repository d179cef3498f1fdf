import type { SqlExecutor } from '../store/index.js';

/** One saved version of a segment's rule. */
export interface SegmentVersion {
  readonly version: number;
  readonly name: string;
  readonly ruleText: string;
  readonly savedAt: number;
}

/** Reads the rule-change audit trail (`segment_versions`, written by the engine's segment repository). */
export class SegmentVersionsSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Every version of a segment, newest first. */
  async versionsOf(workspaceId: string, segmentId: string): Promise<SegmentVersion[]> {
    const rows = await this.sql.query<{ version: number; name: string; rule_text: string; saved_at: number }>(
      'SELECT version, name, rule_text, saved_at FROM segment_versions WHERE workspace_id = $1 AND segment_id = $2 ORDER BY version DESC',
      [workspaceId, segmentId],
    );
    return rows.map((r) => ({ version: Number(r.version), name: r.name, ruleText: r.rule_text, savedAt: Number(r.saved_at) }));
  }
}
