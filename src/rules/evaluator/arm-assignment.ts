import { assignmentPoint } from '../../core/index.js';
import type { ExperimentArmNode } from '../ast/index.js';

/**
 * The arm a person belongs to: the arms laid end to end on [0, 1) in their declared order, each as wide as its
 * share of the total weight. Returns the arm's index.
 */
export function assignArm(weights: readonly number[], salt: string, personId: string): number {
  const total = weights.reduce((s, w) => s + w, 0);
  const point = assignmentPoint(salt, personId) * total;
  let edge = 0;
  for (let i = 0; i < weights.length; i += 1) {
    edge += weights[i] ?? 0;
    if (point < edge) return i;
  }
  return weights.length - 1;
}

/**
 * Whether the profile is assigned to the node's arm. A profile of unknown id, or an arm that is not in the split
 * (the checker refuses it), is in no arm. The reference evaluator and the compiled engine both call this.
 */
export function inExperimentArm(node: ExperimentArmNode, profileId: string | undefined): boolean {
  if (profileId === undefined || profileId === '') return false;
  const index = node.arms.findIndex((a) => a.name === node.arm);
  if (index < 0) return false;
  return assignArm(
    node.arms.map((a) => a.weight),
    node.salt,
    profileId,
  ) === index;
}
