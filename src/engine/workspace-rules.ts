import type { Segment } from '../core/index.js';
import type { Condition } from '../rules/index.js';
import { compileRuleSet } from './compile/compile-rule-set.js';
import type { CompiledCondition, CompiledRule } from './compile/compiled-rule.js';
import type { HistoryItems } from './state/history-from-events.js';
import { EvalContext } from './compile/eval-context.js';
import { candidateSpecOf } from './compile/next-change-of.js';
import type { CandidateSpec } from './compile/next-change-of.js';
import { ProfileState } from './state/profile-state.js';
import { stateSpecOf } from './state/state-spec.js';
import type { StateSpec } from './state/state-spec.js';

/** One live segment with its compiled rule and its membership function (its rule, minus exclusive-group overrides). */
export interface LiveSegment {
  readonly segment: Segment;
  readonly rule: CompiledRule;
  /** Member at t: the rule holds and no higher-ranked segment of its exclusive group holds. */
  readonly member: CompiledCondition;
  /** The rules membership reads (its own and its group's higher-ranked peers'). */
  readonly reads: readonly CompiledRule[];
  /** Where its change instants can come from (derived from `reads`). */
  readonly candidates: CandidateSpec;
  /** Segments whose membership must be re-evaluated with this one (its exclusive group, itself included). */
  readonly peers: readonly string[];
}

/** The condition stored in a segment's canonical JSON form. */
export function conditionOf(segment: Segment): Condition {
  return (segment.ruleJson as { condition: Condition }).condition;
}

/**
 * Ranks the segments of one exclusive group: higher priority first, ties by name (documented in docs/segments.md)
 * so that the winner is deterministic.
 */
export function rankInGroup(a: Segment, b: Segment): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * A workspace's live segments compiled once per rule-set version, with the dependency index: from what changed on
 * a profile (an event name, traits, subscription, a score, any activity) to the segments that must be
 * re-evaluated. Immutable: a segment change builds a new one.
 */
export class WorkspaceRules {
  readonly byId = new Map<string, LiveSegment>();
  readonly compiledByName: ReadonlyMap<string, CompiledRule>;
  readonly spec: StateSpec;
  /**
   * Segments whose membership holds for a profile with an empty history (`not performed(…)`, `traits.x is
   * missing`): a profile's first event enters it there whatever the event is. With no stored time the value
   * cannot depend on the instant, so one evaluation decides.
   */
  readonly vacuous: ReadonlySet<string>;
  private readonly byEvent = new Map<string, Set<string>>();
  private readonly onTraits = new Set<string>();
  private readonly onSubscription = new Set<string>();
  private readonly onScores = new Map<string, Set<string>>();
  private readonly onActivity = new Set<string>();

  constructor(
    readonly workspaceId: string,
    segments: readonly Segment[],
  ) {
    const conditions = new Map<string, Condition>();
    for (const s of segments) conditions.set(s.name, conditionOf(s));
    const compiled = compileRuleSet(conditions);
    this.compiledByName = compiled;
    this.spec = stateSpecOf([...compiled.values()].map((r) => r.footprint));
    const groups = new Map<string, Segment[]>();
    for (const s of segments) {
      if (s.group === null) continue;
      const list = groups.get(s.group) ?? [];
      list.push(s);
      groups.set(s.group, list);
    }
    for (const list of groups.values()) list.sort(rankInGroup);
    for (const s of segments) {
      const rule = compiled.get(s.name) as CompiledRule;
      const group = s.group === null ? [s] : (groups.get(s.group) as Segment[]);
      const higher = group.slice(0, group.indexOf(s)).map((g) => compiled.get(g.name) as CompiledRule);
      const member: CompiledCondition =
        higher.length === 0 ? rule.holds : (cx, t) => rule.holds(cx, t) && !higher.some((h) => h.holds(cx, t));
      const reads = [rule, ...higher];
      this.byId.set(s.id, { segment: s, rule, member, reads, candidates: candidateSpecOf(reads), peers: group.map((g) => g.id) });
      const fp = rule.footprint;
      for (const name of fp.eventNames) add(this.byEvent, name, s.id);
      if (fp.traits) this.onTraits.add(s.id);
      if (fp.subscription) this.onSubscription.add(s.id);
      for (const score of fp.scores) add(this.onScores, score, s.id);
      if (fp.seen) this.onActivity.add(s.id);
    }
    const empty = new EvalContext(new ProfileState(workspaceId, '', this.spec), compiled);
    // a rule reading an experiment split (itself or through in_segment: the merged footprint) may hold on an
    // empty history for some profile ids: decided per profile
    this.vacuous = new Set(
      [...this.byId.values()]
        .filter((l) => l.member(empty, 0) || l.reads.some((r) => r.footprint.experimentArm))
        .map((l) => l.segment.id),
    );
  }

  /** The segments (ids) whose membership may change because of this history contribution, groups expanded. */
  dependents(items: HistoryItems): Set<string> {
    const out = new Set<string>();
    const addAll = (ids: Iterable<string> | undefined): void => {
      for (const id of ids ?? []) out.add(id);
    };
    if (items.event) {
      addAll(this.byEvent.get(items.event.name));
      addAll(this.onActivity);
    }
    if (items.traits) addAll(this.onTraits);
    if (items.subscription || items.consent) addAll(this.onSubscription);
    if (items.score) addAll(this.onScores.get(items.score.name));
    return this.withPeers(out);
  }

  /** The ids plus their exclusive-group peers. */
  withPeers(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const id of ids) for (const peer of this.byId.get(id)?.peers ?? [id]) out.add(peer);
    return out;
  }

  /** Every live segment id. */
  allIds(): string[] {
    return [...this.byId.keys()];
  }
}

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
