/**
 * The declared, versioned feature set. A model records the version and names it was trained on; scoring
 * refuses a model whose feature set differs from the running code's, so training and serving never disagree
 * on what a column means. Bump {@link FEATURE_SET_VERSION} whenever a feature's definition changes.
 */
export const FEATURE_SET_VERSION = 1;

/** The activity windows of the windowed counts, in days. */
export const FEATURE_WINDOWS_DAYS = [7, 30, 90] as const;

/** What the event names mean for features (the e-commerce and email spec names by default). */
export interface FeatureEvents {
  /** The purchase event (`--event`): recency, frequency, monetary value and the labels. */
  readonly purchase: string;
  /** The property holding an order's value (default `revenue`, else `total`, else `value`). */
  readonly revenueProperties: readonly string[];
  readonly cancellation: readonly string[];
  readonly view: readonly string[];
  readonly cartAdd: readonly string[];
  readonly emailDelivered: readonly string[];
  readonly emailOpened: readonly string[];
  readonly emailClicked: readonly string[];
}

/** The default event names: Segment's e-commerce and email specs. */
export function defaultFeatureEvents(purchase = 'Order Completed'): FeatureEvents {
  return {
    purchase,
    revenueProperties: ['revenue', 'total', 'value'],
    cancellation: ['Order Cancelled', 'Order Refunded'],
    view: ['Product Viewed', 'Page Viewed'],
    cartAdd: ['Product Added'],
    emailDelivered: ['Email Delivered'],
    emailOpened: ['Email Opened'],
    emailClicked: ['Email Link Clicked'],
  };
}

const windowed = (base: string): string[] => FEATURE_WINDOWS_DAYS.map((d) => `${base}_${d}d`);

/**
 * The feature names in column order. Times are in days; a profile with no order has `recency_days` equal to
 * its age (days since first seen), `has_ordered` 0 and the interval statistics 0 (see `featuresAt`).
 */
export const FEATURE_NAMES: readonly string[] = [
  'has_ordered',
  'recency_days',
  'frequency',
  ...windowed('orders'),
  'monetary_total',
  'monetary_mean',
  'days_since_first_seen',
  'days_since_last_seen',
  ...windowed('views'),
  ...windowed('cart_adds'),
  ...windowed('email_opens'),
  ...windowed('email_clicks'),
  'email_open_rate_90d',
  'email_click_rate_90d',
  'interpurchase_mean_days',
  'interpurchase_std_days',
  'recency_over_interpurchase',
  'cancellation_rate',
  'subscribed',
  'unsubscribed',
];
