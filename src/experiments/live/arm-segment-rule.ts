import { parseRule, toRuleJson, type Condition, type RuleJson } from '../../rules/index.js';
import type { ExperimentDefinition } from './experiment-definition.js';

/**
 * The rule of an arm's segment: `in_experiment_arm(<experiment>, <arm>, salt …, arms […]) and (<the arm's rule>)`,
 * in canonical JSON. The gate is what makes "a person counts only in their own arm" true of membership itself,
 * not only of the exposures the worker records: someone who matches two arms' rules is a member of the segment of
 * the arm the split assigns them, and of no other (so a workflow or destination reading an arm segment acts on
 * assigned people only). The split is written out in full, so the engine evaluates it without any lookup.
 * `arm.rule` has been validated by {@link parseExperimentDefinition}.
 */
export function armSegmentRule(definition: ExperimentDefinition, salt: string, armName: string): RuleJson {
  const arm = definition.arms.find((a) => a.name === armName);
  if (arm === undefined) throw new Error(`armSegmentRule: no arm ${armName} in ${definition.name}`);
  const gate: Condition = {
    kind: 'experiment_arm',
    experiment: definition.name,
    arm: arm.name,
    salt,
    arms: definition.arms.map((a) => ({ name: a.name, weight: a.weight })),
  };
  return toRuleJson({ kind: 'and', conditions: [gate, parseRule(arm.rule)] });
}
