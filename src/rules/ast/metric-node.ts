import type { EventProperty, EventSelector } from './event-selector.js';
import type { NumberLiteral } from './literal.js';
import type { Spanned } from './span.js';
import type { CompareOp } from './value-test.js';
import type { Window } from './window.js';

/** A numeric measure of the profile compared with a number: `count(…) >= 2`, `rate(…) < 10%`. */
export interface MetricNode extends Spanned {
  readonly kind: 'metric';
  readonly metric: Metric;
  readonly op: CompareOp;
  readonly value: NumberLiteral;
}

/** Any measure usable on the left of a metric comparison. */
export type Metric = CountMetric | CountDistinctMetric | AggregateMetric | RateMetric | ScoreMetric;

/** `count("Product Viewed" where product_id = "X", within 48h)`. */
export interface CountMetric extends Spanned {
  readonly kind: 'count';
  readonly event: EventSelector;
  readonly window?: Window;
}

/** `count distinct("Product Viewed".product_id, within 7d)`: distinct values of a property. */
export interface CountDistinctMetric extends Spanned {
  readonly kind: 'count_distinct';
  readonly property: EventProperty;
  readonly window?: Window;
}

/** `sum("Order Completed".revenue, within 365d)`, and `avg`, `min`, `max` alike. */
export interface AggregateMetric extends Spanned {
  readonly kind: 'sum' | 'avg' | 'min' | 'max';
  readonly property: EventProperty;
  readonly window?: Window;
}

/** `rate("Email Opened" / "Email Delivered", within 30d, min 5)`: numerator count / denominator count. */
export interface RateMetric extends Spanned {
  readonly kind: 'rate';
  readonly numerator: EventSelector;
  readonly denominator: EventSelector;
  readonly window?: Window;
  /** Below this many denominator events the rate is undefined and the comparison is false. */
  readonly minDenominator?: number;
}

/** `score("purchase_propensity")`: a predicted score of the profile as of t. */
export interface ScoreMetric extends Spanned {
  readonly kind: 'score';
  readonly name: string;
}
