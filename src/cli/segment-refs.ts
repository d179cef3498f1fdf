import { closestMatch } from '../rules/index.js';
import type { AdminClient, ApiProblem, ApiSegment } from './admin-client.js';

/** The ids of segments given by name or id, or the first reference that names no segment. */
export type SegmentRefsResult = { readonly ok: true; readonly ids: string[] } | { readonly ok: false; readonly problem: ApiProblem };

/** "unknown segment "Vip"; did you mean "VIP"?" — the message for a name that matches no segment. */
export function unknownSegmentDetail(ref: string, segments: readonly Pick<ApiSegment, 'name'>[]): string {
  const near = closestMatch(ref, segments.map((s) => s.name));
  const hint =
    near !== undefined
      ? `; did you mean "${near}"?`
      : segments.length === 0
        ? '; there are no segments yet'
        : ' (`segflow segments` lists them)';
  return `no segment is named or has the id "${ref}"${hint}`;
}

/** Each reference (a segment name or id) as the segment's id, matching ids first and then names, exactly. */
export function segmentIdsOf(refs: readonly string[], segments: readonly ApiSegment[]): SegmentRefsResult {
  const ids: string[] = [];
  for (const ref of refs) {
    const found = segments.find((s) => s.id === ref) ?? segments.find((s) => s.name === ref);
    if (found === undefined) {
      return { ok: false, problem: { status: 404, code: 'SEGMENT_NOT_FOUND', title: 'Segment not found', detail: unknownSegmentDetail(ref, segments) } };
    }
    ids.push(found.id);
  }
  return { ok: true, ids };
}

/** {@link segmentIdsOf} against the server's current segments. */
export async function resolveSegmentRefs(client: AdminClient, refs: readonly string[]): Promise<SegmentRefsResult> {
  if (refs.length === 0) return { ok: true, ids: [] };
  const listed = await client.listSegments();
  if (!listed.ok) return listed;
  return segmentIdsOf(refs, listed.value.segments);
}

/**
 * A `SEGMENT_NOT_FOUND` problem about `ref` rewritten with the nearest segment name, when the server's list
 * can be read; any other problem unchanged.
 */
export async function withSegmentSuggestion(client: AdminClient, problem: ApiProblem, ref: string): Promise<ApiProblem> {
  if (problem.code !== 'SEGMENT_NOT_FOUND') return problem;
  const listed = await client.listSegments();
  if (!listed.ok) return problem;
  return { ...problem, detail: unknownSegmentDetail(ref, listed.value.segments) };
}
