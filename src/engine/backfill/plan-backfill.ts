import { newId } from '../../core/index.js';
import type { ChangeCause, Segment } from '../../core/index.js';
import type { WorkspaceRules } from '../workspace-rules.js';
import type { BackfillStart } from './backfill-repo-sql.js';

/** A segment saved or deleted, with the cause its own changes carry. */
export interface SegmentChange {
  /** The new version (absent for a deletion). */
  readonly next?: Segment;
  /** The version it replaces (absent for a creation). */
  readonly previous?: Segment;
  readonly cause: ChangeCause;
}

/**
 * The backfills a segment change starts, one per affected segment: the changed one (`backfill` for a new
 * segment, `rule_edit` for an edit), the segments of its exclusive group(s) and those reading it through
 * `in_segment`, transitively (`dependency`, naming the changed segment), and for a deletion the deleted segment's
 * exits (`segment_deleted`). `rules` are the workspace's rules after the change.
 */
export function planBackfill(rules: WorkspaceRules, change: SegmentChange, at: number): BackfillStart[] {
  const { next, previous, cause } = change;
  const changedId = (next ?? previous)?.id as string;
  const names = new Set([next?.name, previous?.name].filter((n): n is string => n !== undefined));
  const groups = new Set([next?.group, previous?.group].filter((g): g is string => g !== null && g !== undefined));
  const affected = new Set<string>(next ? [next.id] : []);
  // in_segment reads the referenced segment's rule, and a segment of an exclusive group reads the rules ranked
  // above it, so a change reaches every segment that reads it, however indirectly: grow the affected set (and the
  // names and groups it covers) until it stops growing.
  for (let grew = true; grew; ) {
    grew = false;
    for (const live of rules.byId.values()) {
      const s = live.segment;
      if (!affected.has(s.id) && ((s.group !== null && groups.has(s.group)) || [...live.rule.footprint.segments].some((n) => names.has(n)))) {
        affected.add(s.id);
        grew = true;
      }
      if (affected.has(s.id) && (!names.has(s.name) || (s.group !== null && !groups.has(s.group)))) {
        names.add(s.name);
        if (s.group !== null) groups.add(s.group);
        grew = true;
      }
    }
  }
  const jobId = newId('bf');
  const out: BackfillStart[] = [];
  if (next === undefined && previous !== undefined) {
    out.push({ segmentId: previous.id, workspaceId: rules.workspaceId, jobId, segmentVersion: previous.version, kind: 'delete', cause, at });
  }
  for (const id of affected) {
    const live = rules.byId.get(id);
    if (live === undefined) continue;
    const own = id === changedId ? cause : { kind: 'dependency' as const, segmentId: changedId };
    out.push({ segmentId: id, workspaceId: rules.workspaceId, jobId, segmentVersion: live.segment.version, kind: 'recompute', cause: own, at });
  }
  return out;
}
