import type { ExperimentArmNode } from '../ast/index.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';

/**
 * The split of `in_experiment_arm` must describe a real assignment: a non-empty salt, arm names that are unique,
 * weights that are finite and above 0, and the tested arm among them. Anything else would put people in no arm
 * (or in an arm by accident), so each problem is an error (RULE2020) naming what to fix.
 */
export function checkExperimentArm(c: ExperimentArmNode): Diagnostic[] {
  const problems: string[] = [];
  if (c.experiment === '') problems.push('the experiment name is empty');
  if (c.salt === '') problems.push('the salt is empty');
  const seen = new Set<string>();
  for (const a of c.arms) {
    if (seen.has(a.name)) problems.push(`the arm ${JSON.stringify(a.name)} is listed twice`);
    seen.add(a.name);
    if (!(a.weight > 0 && Number.isFinite(a.weight))) problems.push(`the weight of ${JSON.stringify(a.name)} must be a number above 0`);
  }
  if (!seen.has(c.arm)) problems.push(`the arm ${JSON.stringify(c.arm)} is not one of the listed arms`);
  return problems.map((p) => diagnostic('RULE2020', [p], { span: c.span }));
}
