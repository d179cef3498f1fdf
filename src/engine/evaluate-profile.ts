import type { ChangeCause } from '../core/index.js';
import type { MembershipWrite } from '../membership/index.js';
import { EvalContext } from './compile/eval-context.js';
import { nextChangeOf } from './compile/next-change-of.js';
import type { ProfileEntry } from './profile-entry.js';
import type { WorkspaceRules } from './workspace-rules.js';

/** A timer to arm (`dueAt` set) or disarm (`dueAt` undefined). */
export interface TimerWrite {
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly profileId: string;
  readonly dueAt: number | undefined;
}

/** The effects of evaluating some segments of one profile at one instant. */
export interface ProfileEffects {
  readonly changes: MembershipWrite[];
  readonly timers: TimerWrite[];
}

/**
 * The engine's pure core: evaluates the given segments of one profile at instant t, diffs against the entry's
 * memberships, computes each segment's next change by time alone, and returns the writes (every exit before every
 * entry, so that moving inside an exclusive group reads as leave-then-join). It also applies them to
 * the entry (write-through cache); the caller persists them in one transaction or drops the entry on failure.
 * The state is pruned for instant t unless `pruneTo` says otherwise (a later evaluation may be earlier than t).
 */
export function evaluateProfile(
  rules: WorkspaceRules,
  entry: ProfileEntry,
  segmentIds: Iterable<string>,
  t: number,
  cause: ChangeCause,
  pruneTo: number = t,
): ProfileEffects {
  const exits: MembershipWrite[] = [];
  const entries: MembershipWrite[] = [];
  const timers: TimerWrite[] = [];
  const cx = new EvalContext(entry.state, rules.compiledByName);
  const { workspaceId, profileId } = entry.state;
  for (const segmentId of segmentIds) {
    const live = rules.byId.get(segmentId);
    if (live === undefined) continue;
    const member = live.member(cx, t);
    if (member !== entry.members.has(segmentId)) {
      (member ? entries : exits).push({
        workspaceId,
        segmentId,
        segmentVersion: live.segment.version,
        profileId,
        kind: member ? 'entered' : 'exited',
        at: t,
        cause,
      });
      if (member) entry.members.set(segmentId, t);
      else entry.members.delete(segmentId);
    }
    const next = nextChangeOf(live.member, live.candidates, cx, t, member);
    const armed = entry.timers.get(segmentId);
    // A timer already armed in (t, next] is kept, saving a write: firing before the next change is a re-check
    // (same value, nothing recorded, next change computed again from there), as with MAX_CANDIDATES.
    if (armed !== undefined && next !== undefined && armed > t && armed <= next) continue;
    if (next !== armed) {
      timers.push({ workspaceId, segmentId, profileId, dueAt: next });
      if (next === undefined) entry.timers.delete(segmentId);
      else entry.timers.set(segmentId, next);
    }
  }
  entry.state.prune(pruneTo);
  // Exits before entries: a move between segments of one exclusive group, applied in log order by a consumer,
  // never holds the person in two segments of the group at once (docs/segments.md).
  return { changes: exits.length === 0 ? entries : entries.length === 0 ? exits : [...exits, ...entries], timers };
}
