/** Words that begin a condition. */
export const CONDITION_WORDS = [
  'not',
  'traits',
  'performed',
  'first_performed',
  'lapsed',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'rate',
  'score',
  'last_seen',
  'first_seen',
  'in_segment',
  'in_experiment_arm',
  'subscribed',
  'email_eligible',
  'consent',
] as const;

/**
 * Every reserved word of the language. Property names that equal one of these are printed in backticks
 * (`` `count` ``) so printed rules always parse back to the same tree.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set<string>([
  ...CONDITION_WORDS,
  'and',
  'or',
  'in',
  'is',
  'missing',
  'exists',
  'contains',
  'starts_with',
  'where',
  'within',
  'before',
  'between',
  'ago',
  'then',
  'by',
  'distinct',
  'true',
  'false',
]);
