import type { Literal, StringLiteral } from './literal.js';
import type { Spanned } from './span.js';

/** Ordering and equality operators. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A test applied to one value (a trait or an event property):
 * `>= 25`, `in ["a", "b"]`, `not in [...]`, `contains "x"`, `starts_with "x"`, `exists`, `is missing`.
 */
export type ValueTest = CompareTest | InTest | StringMatchTest | PresenceTest;

/** `= v`, `!= v`, `< v`, … */
export interface CompareTest extends Spanned {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly value: Literal;
}

/** `in [a, b]` or `not in [a, b]`. */
export interface InTest extends Spanned {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly values: readonly Literal[];
}

/** `contains "x"` / `starts_with "x"`: literal (never regular-expression) string matching. */
export interface StringMatchTest extends Spanned {
  readonly kind: 'contains' | 'starts_with';
  readonly value: StringLiteral;
}

/** `exists` / `is missing`. */
export interface PresenceTest extends Spanned {
  readonly kind: 'exists' | 'missing';
}
