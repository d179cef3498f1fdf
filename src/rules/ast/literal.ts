import type { Spanned } from './span.js';

/** A string literal: `"New York"`. */
export interface StringLiteral extends Spanned {
  readonly kind: 'string';
  readonly value: string;
}

/**
 * A number literal: `25`, `0.7`, or a percentage `10%`.
 * `value` is always the mathematical value (`10%` has value 0.1); `percent` only records how it was written.
 */
export interface NumberLiteral extends Spanned {
  readonly kind: 'number';
  readonly value: number;
  readonly percent?: true;
}

/** `true` or `false`. */
export interface BooleanLiteral extends Spanned {
  readonly kind: 'boolean';
  readonly value: boolean;
}

/**
 * A calendar date or instant, written `2024-01-31` or `2024-01-31T12:00:00Z`.
 * `value` keeps the text as written (ISO 8601, UTC when no offset is given) so printing is exact.
 */
export interface DateLiteral extends Spanned {
  readonly kind: 'date';
  readonly value: string;
}

/** Any literal value. */
export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | DateLiteral;
