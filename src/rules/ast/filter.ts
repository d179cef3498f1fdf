import type { Spanned } from './span.js';
import type { ValueTest } from './value-test.js';

/**
 * A `where` filter over one event's properties: `product_id = "X" and (price > 10 or category = "toys")`.
 * Property paths are relative to the event's `properties` (`product.id` reads `properties.product.id`).
 */
export type Filter = FilterAnd | FilterOr | FilterNot | PropertyFilter;

/** Both (all) sub-filters hold. */
export interface FilterAnd extends Spanned {
  readonly kind: 'filter_and';
  readonly filters: readonly Filter[];
}

/** At least one sub-filter holds. */
export interface FilterOr extends Spanned {
  readonly kind: 'filter_or';
  readonly filters: readonly Filter[];
}

/** The sub-filter does not hold. */
export interface FilterNot extends Spanned {
  readonly kind: 'filter_not';
  readonly filter: Filter;
}

/** One property tested: `product_id = "X"`. */
export interface PropertyFilter extends Spanned {
  readonly kind: 'property';
  readonly path: readonly string[];
  readonly test: ValueTest;
}
