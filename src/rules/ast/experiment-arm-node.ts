import type { Spanned } from './span.js';

/** One arm of an experiment's split: its name and its relative share of people. */
export interface ArmShare {
  readonly name: string;
  readonly weight: number;
}

/**
 * `in_experiment_arm("cart-timing", "24h", salt "exp_1", arms ["1h" 45, "24h" 45, "holdout" 10])`: the profile
 * is assigned to `arm` by the experiment's deterministic split (SHA-256 of the salt and the profile id, the arms
 * laid end to end on [0, 1) by weight). The split is written out in full so that the rule means the same thing
 * wherever it is evaluated, without a lookup: an experiment writes this condition into each arm's segment, so a
 * person who matches two arms' rules is a member of their own arm only. Constant over time for a profile.
 */
export interface ExperimentArmNode extends Spanned {
  readonly kind: 'experiment_arm';
  readonly experiment: string;
  readonly arm: string;
  readonly salt: string;
  readonly arms: readonly ArmShare[];
}
