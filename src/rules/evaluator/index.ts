/**
 * @module
 * The reference semantics of the rule language: `evaluate(condition, history, t)` says whether a profile is in at
 * instant t, `nextChange` when that can next change by time alone, and `explain` why, node by node. Written to be
 * obviously right rather than fast: engines must agree with it exactly, and should reuse its small helpers
 * (`testValue`, `matchesSelector`, `windowBounds`, `traitsAt`, `getPath`, …) instead of re-implementing value
 * semantics. Pure: no I/O, no clock. The meaning of every construct is written down in docs/rule-semantics.md.
 */
export { assignArm, inExperimentArm } from './arm-assignment.js';
export { consentAt } from './consent-at.js';
export { consentGrantedAt } from './consent-granted-at.js';
export type { EmailEligibility } from './email-eligibility-at.js';
export { emailEligibilityAt } from './email-eligibility-at.js';
export type { EvalEnv } from './eval-env.js';
export { evaluate, seenTimeAt } from './evaluate.js';
export { getPath } from './get-path.js';
export { matchesFilter, matchesSelector } from './matches-selector.js';
export type { MetricReading } from './metric-reading-at.js';
export { metricReadingAt } from './metric-reading-at.js';
export { changeCandidates, nextChange } from './next-change.js';
export { parseInstant } from './parse-instant.js';
export { scoreAt } from './score-at.js';
export type { SequenceReading, SequenceStep } from './sequence-reading-at.js';
export { sequenceReadingAt } from './sequence-reading-at.js';
export { subscriptionStatusAt } from './subscription-status-at.js';
export { compareOrdered, compareValue, isPresent, testValue } from './test-value.js';
export { traitsAt } from './traits-at.js';
export { updatesAsOf } from './updates-as-of.js';
export { compareEvents } from './prepared-history.js';
export { selectEvents, visibleEvents } from './visible-events.js';
export type { WindowBounds } from './window-bounds.js';
export { inBounds, windowBounds } from './window-bounds.js';
export { explain } from './explain.js';
export type { EventList, EventRef, Evidence, ExplainNode, ResolvedWindow, SequenceStepRef } from './explain-node.js';
export { EXPLAIN_EVENT_CAP } from './explain-node.js';
export {
  describeFilter,
  describeHead,
  describeLiteral,
  describeMetric,
  describeProperty,
  describeSelector,
  describeTest,
} from './describe.js';
