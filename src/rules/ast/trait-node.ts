import type { Spanned } from './span.js';
import type { ValueTest } from './value-test.js';

/** A test on a profile trait as of t: `traits.age >= 25`, `traits.address.city in ["NYC"]`. */
export interface TraitNode extends Spanned {
  readonly kind: 'trait';
  /** Path below `traits` (`["address", "city"]`). */
  readonly path: readonly string[];
  readonly test: ValueTest;
}
