import type { StoredEvent } from '../../core/index.js';
import { historyItemsOf } from '../../engine/index.js';
import { defaultFeatureEvents, FEATURE_NAMES, FEATURE_WINDOWS_DAYS, type FeatureEvents } from './feature-set.js';
import { SortedTimes } from './sorted-times.js';

const DAY = 86_400_000;

/** A number from an event property: numbers as is, numeric strings parsed, anything else undefined. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * One profile's feature state, folded from its events in any order (incremental: {@link add} per event as it
 * arrives, late events included), read as of any instant with {@link featuresAt}. This one class computes the
 * features for training (as of a cut-off, over a history that may hold later events) and for live scoring (as
 * of now), so there is no train/serve skew.
 *
 * Point-in-time by construction: every reading takes only the instants ≤ T through binary search over sorted
 * lists, so events after T — whether present or not — cannot change a feature as of T (the leakage tests
 * check exactly this). "After T" is by event time, the time rules use.
 */
export class ProfileFeatures {
  private readonly orders = new SortedTimes();
  private readonly cancellations = new SortedTimes();
  private readonly activity = new SortedTimes();
  private readonly views = new SortedTimes();
  private readonly cartAdds = new SortedTimes();
  private readonly delivered = new SortedTimes();
  private readonly opens = new SortedTimes();
  private readonly clicks = new SortedTimes();
  /** Subscription updates: value 1 subscribed, -1 unsubscribed / bounced / complained. */
  private readonly subscription = new SortedTimes();
  private readonly names: Map<string, SortedTimes>;

  constructor(private readonly events: FeatureEvents = defaultFeatureEvents()) {
    this.names = new Map<string, SortedTimes>();
    const bind = (list: readonly string[], target: SortedTimes): void => {
      for (const name of list) if (!this.names.has(name)) this.names.set(name, target);
    };
    bind(events.cancellation, this.cancellations);
    bind(events.view, this.views);
    bind(events.cartAdd, this.cartAdds);
    bind(events.emailDelivered, this.delivered);
    bind(events.emailOpened, this.opens);
    bind(events.emailClicked, this.clicks);
  }

  /** Folds one stored event (its meaning for rules, from `historyItemsOf`). */
  add(stored: StoredEvent): void {
    const items = historyItemsOf(stored);
    if (items.subscription) this.subscription.add(items.subscription.time, items.subscription.status === 'subscribed' ? 1 : -1);
    const event = items.event;
    if (event === undefined) return;
    this.activity.add(event.time);
    if (event.name === this.events.purchase) {
      let revenue = 0;
      for (const key of this.events.revenueProperties) {
        const n = numberOf(event.properties[key]);
        if (n !== undefined) {
          revenue = n;
          break;
        }
      }
      this.orders.add(event.time, revenue);
      return;
    }
    this.names.get(event.name)?.add(event.time);
  }

  /** Folds many events. */
  addAll(events: Iterable<StoredEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  /** The first activity instant ≤ t, or undefined when the profile had done nothing by t. */
  firstSeenAt(t: number): number | undefined {
    const first = this.activity.first();
    return first !== undefined && first <= t ? first : undefined;
  }

  /** The latest activity instant of all (for the default cut-off: the end of the data). */
  lastActivity(): number | undefined {
    return this.activity.lastUpTo(Number.POSITIVE_INFINITY);
  }

  /** The purchases ≤ t: instants and values, oldest first. */
  ordersUpTo(t: number): { times: number[]; values: number[] } {
    return this.orders.upTo(t);
  }

  /** How many purchases lie in (from, to]. */
  ordersIn(from: number, to: number): number {
    return this.orders.countIn(from, to);
  }

  /** The feature vector as of t, in {@link FEATURE_NAMES} order. */
  featuresAt(t: number): Float64Array {
    const out = new Float64Array(FEATURE_NAMES.length);
    let i = 0;
    const put = (v: number): void => {
      out[i++] = v;
    };
    const first = this.firstSeenAt(t);
    const age = first === undefined ? 0 : (t - first) / DAY;
    const { times, values } = this.orders.upTo(t);
    const n = times.length;
    const last = times[n - 1];
    put(n > 0 ? 1 : 0);
    const recency = last === undefined ? age : (t - last) / DAY;
    put(recency);
    put(n);
    for (const d of FEATURE_WINDOWS_DAYS) put(this.orders.countIn(t - d * DAY, t));
    const total = values.reduce((s, v) => s + v, 0);
    put(total);
    put(n > 0 ? total / n : 0);
    put(age);
    const lastSeen = this.activity.lastUpTo(t);
    put(lastSeen === undefined ? 0 : (t - lastSeen) / DAY);
    for (const list of [this.views, this.cartAdds, this.opens, this.clicks]) {
      for (const d of FEATURE_WINDOWS_DAYS) put(list.countIn(t - d * DAY, t));
    }
    const delivered90 = this.delivered.countIn(t - 90 * DAY, t);
    const opens90 = this.opens.countIn(t - 90 * DAY, t);
    const clicks90 = this.clicks.countIn(t - 90 * DAY, t);
    // Rates with a floor of 1 on the denominator: no delivery reads as rate 0, not as NaN.
    put(opens90 / Math.max(1, delivered90, opens90));
    put(clicks90 / Math.max(1, delivered90, clicks90));
    let mean = 0;
    let std = 0;
    if (n >= 2) {
      const gaps: number[] = [];
      for (let k = 1; k < n; k++) gaps.push(((times[k] as number) - (times[k - 1] as number)) / DAY);
      mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
      std = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    }
    put(mean);
    put(std);
    put(mean > 0 ? recency / mean : 0);
    const cancels = this.cancellations.countUpTo(t);
    put(cancels / Math.max(1, n + cancels));
    const { values: subs } = this.subscription.upTo(t);
    const state = subs.at(-1);
    put(state === 1 ? 1 : 0);
    put(state === -1 ? 1 : 0);
    return out;
  }
}
