import type { EventType } from '../../core/index.js';
import type { WorkspaceRules } from '../workspace-rules.js';
import type { EventSelection } from './scan-histories.js';

/**
 * The events a backfill under `rules` needs to read, or undefined when it needs them all. Every live rule of the
 * workspace counts (not only the segments being recomputed), which covers `in_segment` references and exclusive
 * groups without following them. An event left out contributes nothing any rule reads (see `historyItemsOf`):
 * - its activity would only matter to `first_seen` / `last_seen` (then nothing is left out);
 * - its name is not selected by any rule (`page` / `screen` become "Page Viewed" / "Screen Viewed", so those
 *   types are kept whole when a rule selects those names);
 * - it is not an `identify` when traits are read, and not a system `score` event when scores are read;
 * - subscription and consent can come from any event's context, so reading them turns the selection off.
 */
export function eventSelectionOf(rules: WorkspaceRules): EventSelection | undefined {
  const names = new Set<string>();
  const types = new Set<EventType>();
  let traits = false;
  for (const rule of rules.compiledByName.values()) {
    const fp = rule.footprint;
    if (fp.seen || fp.subscription) return undefined;
    for (const name of fp.eventNames) names.add(name);
    if (fp.scores.size > 0) types.add('score');
    traits ||= fp.traits;
  }
  if (names.has('Page Viewed')) types.add('page');
  if (names.has('Screen Viewed')) types.add('screen');
  if (traits) types.add('identify');
  return { names: [...names], types: [...types], traits, context: false };
}
