import { diagnostic, type Diagnostic } from '../diagnostics.js';

/** What the group check needs of a segment. */
export interface GroupedSegment {
  readonly name: string;
  readonly group: string | null;
  readonly priority: number;
}

/**
 * Warns (RULE3007) about segments of one exclusive group that share a priority. The engine breaks such a tie
 * by name (the first in alphabetical order wins, docs/segments.md), which is deterministic but rarely what the
 * marketer meant, and renaming a segment would silently move people. One warning per tied set; with `only`,
 * only the sets that include that segment (what saving one segment reports).
 */
export function lintExclusiveGroups(segments: readonly GroupedSegment[], only?: string): Diagnostic[] {
  const tied = new Map<string, GroupedSegment[]>();
  for (const s of segments) {
    if (s.group === null) continue;
    const key = JSON.stringify([s.group, s.priority]);
    tied.set(key, [...(tied.get(key) ?? []), s]);
  }
  const out: Diagnostic[] = [];
  for (const set of tied.values()) {
    if (set.length < 2 || (only !== undefined && !set.some((s) => s.name === only))) continue;
    const names = set.map((s) => s.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const quoted = names.map((n) => JSON.stringify(n));
    out.push(diagnostic('RULE3007', [quoted.join(', '), String(set[0]!.priority), JSON.stringify(set[0]!.group), quoted[0]!]));
  }
  return out;
}
