/**
 * @module
 * The checker: what a parsed rule cannot know about itself — types from the catalogue of seen events and
 * traits, segment references (unknown, cyclic), windows against retention — reported as diagnostics.
 */
export { checkRule, segmentReferences } from './check-rule.js';
export type { CheckContext, EventSchema, RuleCatalog, ValueType } from './check-context.js';
