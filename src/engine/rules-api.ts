/**
 * The rule-language helpers the engine builds on, in one place (all from the public `rules/` index): the
 * engine reuses the reference evaluator's value, path, selector and window helpers rather than re-implementing
 * their semantics.
 */
export {
  evaluate,
  nextChange,
  getPath,
  matchesFilter,
  matchesSelector,
  testValue,
  compareOrdered,
  traitsAt,
  subscriptionStatusAt,
  emailEligibilityAt,
  consentGrantedAt,
  scoreAt,
  windowBounds,
  inBounds,
  compareEvents,
  inExperimentArm,
} from '../rules/index.js';
export type { EvalEnv, WindowBounds } from '../rules/index.js';
