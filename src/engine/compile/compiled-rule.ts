import type { Condition } from '../../rules/index.js';
import type { EvalContext } from './eval-context.js';
import type { RuleFootprint } from './rule-footprint.js';

/** A condition compiled to a closure: whether it holds at instant t over the context's profile state. */
export type CompiledCondition = (cx: EvalContext, t: number) => boolean;

/**
 * One rule version compiled once: its value and the next instant it can change by time alone, both computed on
 * the compact profile state without walking the syntax tree.
 */
export interface CompiledRule {
  readonly condition: Condition;
  readonly holds: CompiledCondition;
  /** The rule's own footprint merged with those of the segments it references (transitively). */
  readonly footprint: RuleFootprint;
}
