/**
 * @module
 * The rule language's syntax tree: readonly unions tagged by `kind`, one node kind per file. Every `switch`
 * over `Condition['kind']` ends in `assertNever`. Spans are optional and never part of a node's meaning.
 */
export type { AndNode } from './and-node.js';
export type { Condition, RuleJson } from './condition.js';
export { RULE_JSON_VERSION } from './condition.js';
export type { Duration, DurationUnit } from './duration.js';
export { durationMs } from './duration.js';
export type { EventProperty, EventSelector } from './event-selector.js';
export type { Filter, FilterAnd, FilterNot, FilterOr, PropertyFilter } from './filter.js';
export type { ArmShare, ExperimentArmNode } from './experiment-arm-node.js';
export type { FirstPerformedNode } from './first-performed-node.js';
export type { InSegmentNode } from './in-segment-node.js';
export type { LapsedNode } from './lapsed-node.js';
export type { BooleanLiteral, DateLiteral, Literal, NumberLiteral, StringLiteral } from './literal.js';
export type {
  AggregateMetric,
  CountDistinctMetric,
  CountMetric,
  Metric,
  MetricNode,
  RateMetric,
  ScoreMetric,
} from './metric-node.js';
export type { NotNode } from './not-node.js';
export type { OrNode } from './or-node.js';
export type { PerformedNode } from './performed-node.js';
export type { SeenNode } from './seen-node.js';
export type { SequenceNode } from './sequence-node.js';
export type { Span, Spanned } from './span.js';
export type { SubscriptionNode } from './subscription-node.js';
export type { ConsentNode } from './consent-node.js';
export type { TraitNode } from './trait-node.js';
export type { CompareOp, CompareTest, InTest, PresenceTest, StringMatchTest, ValueTest } from './value-test.js';
export type { BeforeWindow, BetweenWindow, Window, WithinWindow } from './window.js';
