/**
 * @module
 * Test helpers for the rule language, shared with the evaluator and engine property tests:
 * {@link arbitraryCondition} generates rule conditions as the parser produces them, with event and property
 * names drawn from small pools so that generated rules match generated histories.
 */
export {
  arbitraryCondition,
  EVENT_NAME_POOL,
  PROPERTY_NAME_POOL,
  SCORE_NAME_POOL,
  SEGMENT_NAME_POOL,
  STRING_VALUE_POOL,
  TRAIT_PATH_POOL,
} from './arbitrary-condition.js';
export type { ArbitraryConditionOptions, LeafKind } from './arbitrary-condition.js';
