import type { AndNode } from './and-node.js';
import type { ConsentNode } from './consent-node.js';
import type { ExperimentArmNode } from './experiment-arm-node.js';
import type { FirstPerformedNode } from './first-performed-node.js';
import type { InSegmentNode } from './in-segment-node.js';
import type { LapsedNode } from './lapsed-node.js';
import type { MetricNode } from './metric-node.js';
import type { NotNode } from './not-node.js';
import type { OrNode } from './or-node.js';
import type { PerformedNode } from './performed-node.js';
import type { SeenNode } from './seen-node.js';
import type { SequenceNode } from './sequence-node.js';
import type { SubscriptionNode } from './subscription-node.js';
import type { TraitNode } from './trait-node.js';

/** Any boolean condition of the rule language; a rule is one condition. */
export type Condition =
  | AndNode
  | OrNode
  | NotNode
  | TraitNode
  | PerformedNode
  | FirstPerformedNode
  | LapsedNode
  | MetricNode
  | SequenceNode
  | SeenNode
  | InSegmentNode
  | SubscriptionNode
  | ConsentNode
  | ExperimentArmNode;

/** The current version of the canonical JSON form. */
export const RULE_JSON_VERSION = 1;

/** The canonical JSON form of a rule: the condition tree without spans, with its format version. */
export interface RuleJson {
  readonly version: typeof RULE_JSON_VERSION;
  readonly condition: Condition;
}
