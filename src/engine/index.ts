/**
 * @module
 * The real-time engine: compiled rules, per-profile state, exact timers, and the segment service built on them.
 */
export type {
  DryRunResult,
  MemberPage,
  RuleProblem,
  SegmentExplanation,
  SegmentFailure,
  SegmentInput,
  SegmentResult,
  SegmentService,
} from './segment-service.js';
