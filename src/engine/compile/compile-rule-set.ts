import type { Condition } from '../../rules/index.js';
import { compileCondition } from './compile-condition.js';
import type { CompiledRule } from './compiled-rule.js';
import { ruleFootprint } from './rule-footprint.js';
import type { RuleFootprint } from './rule-footprint.js';

/**
 * Compiles every segment rule of a workspace (by segment name). Each rule's footprint is merged with those of
 * the segments it references through `in_segment`, transitively, so that its index keys, kept state and
 * timer candidates cover what the referenced rules read.
 */
export function compileRuleSet(rules: ReadonlyMap<string, Condition>): Map<string, CompiledRule> {
  const own = new Map<string, RuleFootprint>();
  for (const [name, condition] of rules) own.set(name, ruleFootprint(condition));
  const out = new Map<string, CompiledRule>();
  for (const [name, condition] of rules) {
    out.set(name, { condition, holds: compileCondition(condition), footprint: mergedFootprint(name, own) });
  }
  return out;
}

function mergedFootprint(root: string, own: ReadonlyMap<string, RuleFootprint>): RuleFootprint {
  const seen = new Set<string>();
  const parts: RuleFootprint[] = [];
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const fp = own.get(name);
    if (fp === undefined) return;
    parts.push(fp);
    fp.segments.forEach(visit);
  };
  visit(root);
  return mergeFootprints(parts);
}

/** The union of several footprints. */
export function mergeFootprints(parts: readonly RuleFootprint[]): RuleFootprint {
  const eventNames = new Set<string>();
  const horizons = new Map<string, number>();
  const propertyKeys = new Map<string, Set<string>>();
  const scores = new Set<string>();
  const segments = new Set<string>();
  const durations = new Set<number>();
  const durationsByName = new Map<string, Set<number>>();
  const seenDurations = new Set<number>();
  let traits = false;
  let subscription = false;
  let seen = false;
  let experimentArm = false;
  for (const fp of parts) {
    fp.eventNames.forEach((n) => eventNames.add(n));
    for (const [n, h] of fp.horizons) horizons.set(n, Math.max(horizons.get(n) ?? 0, h));
    for (const [n, ks] of fp.propertyKeys) {
      const set = propertyKeys.get(n) ?? new Set<string>();
      ks.forEach((k) => set.add(k));
      propertyKeys.set(n, set);
    }
    fp.scores.forEach((s) => scores.add(s));
    fp.segments.forEach((s) => segments.add(s));
    fp.durations.forEach((d) => durations.add(d));
    for (const [n, ds] of fp.durationsByName) {
      const set = durationsByName.get(n) ?? new Set<number>();
      ds.forEach((d) => set.add(d));
      durationsByName.set(n, set);
    }
    fp.seenDurations.forEach((d) => seenDurations.add(d));
    traits ||= fp.traits;
    subscription ||= fp.subscription;
    seen ||= fp.seen;
    experimentArm ||= fp.experimentArm;
  }
  return {
    eventNames,
    horizons,
    propertyKeys,
    scores,
    segments,
    durations: [...durations].sort((a, b) => a - b),
    durationsByName,
    seenDurations,
    traits,
    subscription,
    seen,
    experimentArm,
  };
}
