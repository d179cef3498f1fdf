/**
 * @module
 * The linter: warnings, each with a suggested fix, for rules that parse and type-check but are likely not
 * what the marketer meant (no time window, contradictions, tautologies, rates decided by one event,
 * negations that match brand-new profiles, redundant conditions), and for segments of one exclusive group that
 * tie on priority.
 */
export type { GroupedSegment } from './lint-groups.js';
export { lintExclusiveGroups } from './lint-groups.js';
export { lintRule } from './lint-rule.js';
