/**
 * The experiments' deterministic split is shared with the rule language (`in_experiment_arm` evaluates it), so
 * that an arm segment and the exposure worker can never disagree on a person's arm; re-exported here.
 */
export { assignmentPoint } from '../../core/index.js';
export { assignArm } from '../../rules/index.js';
