/**
 * @module
 * A deterministic workload generator for the engine benchmarks: profiles chosen with Zipf-distributed activity
 * (a few very active people, a long tail), realistic view → cart → order funnels per profile, email delivery /
 * open / click engagement, session ends with durations, occasional identifies with traits and predicted scores.
 * The same seed always yields the same events.
 */
import type { NewEvent } from '../src/core/index.js';

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generator settings. */
export interface GeneratorOptions {
  readonly seed: number;
  readonly profiles: number;
  readonly workspaceId: string;
  /** Zipf exponent of activity per profile (default 1.05). */
  readonly zipf?: number;
  /** Distinct products (default 500). */
  readonly products?: number;
}

const CITIES = ['New York', 'Brooklyn', 'Boston', 'Paris', 'Berlin', 'Austin'];

/** Produces events for a given event-time clock; state per profile keeps funnels realistic. */
export class EventGenerator {
  private readonly random: () => number;
  private readonly cdf: Float64Array;
  private readonly products: number;
  private readonly cart = new Map<number, number>();
  private readonly viewed = new Map<number, number>();
  private n = 0;

  constructor(private readonly options: GeneratorOptions) {
    this.random = prng(options.seed);
    this.products = options.products ?? 500;
    const s = options.zipf ?? Number(process.env.BENCH_ZIPF ?? 1.05);
    this.cdf = new Float64Array(options.profiles);
    let total = 0;
    for (let i = 0; i < options.profiles; i++) {
      total += 1 / Math.pow(i + 1, s);
      this.cdf[i] = total;
    }
    for (let i = 0; i < options.profiles; i++) this.cdf[i] = (this.cdf[i] as number) / total;
  }

  /** The profile id of rank i (rank 0 is the most active). */
  profileId(i: number): string {
    return `prof_${i.toString(36).padStart(6, '0')}`;
  }

  /** A profile rank drawn from the Zipf distribution. */
  pickProfile(): number {
    const u = this.random();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) >= u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The next event, at event time `time`. */
  next(time: number, profile = this.pickProfile()): NewEvent {
    const r = this.random();
    const product = this.viewed.get(profile) ?? Math.floor(this.random() * this.products);
    let type: NewEvent['type'] = 'track';
    let name: string | null;
    let properties: Record<string, unknown> = {};
    let traits: Record<string, unknown> = {};
    if (r < 0.4) {
      const p = this.random() < 0.6 ? product : Math.floor(this.random() * this.products);
      this.viewed.set(profile, p);
      name = 'Product Viewed';
      properties = { product_id: `P${p}`, price: 5 + (p % 200) };
    } else if (r < 0.5) {
      name = 'Product Added';
      this.cart.set(profile, product);
      properties = { product_id: `P${product}`, price: 5 + (product % 200) };
    } else if (r < 0.55) {
      const inCart = this.cart.get(profile);
      name = 'Order Completed';
      properties = { product_id: `P${inCart ?? product}`, revenue: Math.round(20 + this.random() * 400) };
      this.cart.delete(profile);
    } else if (r < 0.72) {
      name = 'Email Delivered';
      properties = { campaign: `c${Math.floor(this.random() * 20)}` };
    } else if (r < 0.78) {
      name = 'Email Opened';
      properties = { campaign: `c${Math.floor(this.random() * 20)}` };
    } else if (r < 0.8) {
      name = 'Email Link Clicked';
    } else if (r < 0.9) {
      name = 'Session Ended';
      properties = { duration_s: Math.round(this.random() * 600) };
    } else if (r < 0.93) {
      // segflow's system score record (what the predict scorer appends), not an ingestible track.
      type = 'score';
      name = 'purchase_propensity';
      properties = { value: Math.round(this.random() * 100) / 100 };
    } else if (r < 0.97) {
      type = 'page';
      name = 'Home';
    } else {
      type = 'identify';
      name = null;
      traits = {
        age: 18 + Math.floor(this.random() * 60),
        city: CITIES[Math.floor(this.random() * CITIES.length)],
        email: `${this.profileId(profile)}@example.com`,
      };
    }
    const id = this.profileId(profile);
    return {
      workspaceId: this.options.workspaceId,
      messageId: `msg_${this.options.seed}_${++this.n}`,
      profileId: id,
      type,
      name,
      userId: null,
      anonymousId: id,
      timestamp: time,
      receivedAt: time,
      properties,
      traits,
      context: {},
    };
  }
}

/** The 20 live segments of every kind the engine benchmarks run (name → rule text; two share an exclusive group). */
export const BENCH_SEGMENTS: readonly { name: string; rule: string; group?: string; priority?: number }[] = [
  { name: 'ny_adults', rule: 'traits.age >= 25 and traits.city in ["New York", "Brooklyn"]' },
  { name: 'viewed_p1_twice', rule: 'count("Product Viewed" where product_id = "P1", within 48h) >= 2' },
  { name: 'openers_7d', rule: 'performed("Email Opened", within 7d)' },
  { name: 'no_order_30d', rule: 'not performed("Order Completed", within 30d)' },
  { name: 'cart_abandoners', rule: '"Product Added" then not "Order Completed" within 3d' },
  { name: 'cart_abandoners_by_product', rule: '"Product Added" then not "Order Completed" within 3d by product_id' },
  { name: 'cold_openers', rule: 'rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%' },
  { name: 'long_sessions', rule: 'avg("Session Ended".duration_s, within 7d) > 180' },
  { name: 'big_spenders', rule: 'sum("Order Completed".revenue, within 365d) >= 1000', group: 'value', priority: 2 },
  { name: 'buyers', rule: 'performed("Order Completed", within 365d)', group: 'value', priority: 1 },
  { name: 'active_7d', rule: 'last_seen within 7d' },
  { name: 'older_than_30d', rule: 'first_seen before 30d ago' },
  { name: 'engaged_big_spenders', rule: 'in_segment("big_spenders") and performed("Email Opened", within 30d)' },
  { name: 'likely_buyers', rule: 'score("purchase_propensity") >= 0.7' },
  { name: 'opened_30s', rule: 'performed("Email Opened", within 30s)' },
  { name: 'browsers', rule: 'count distinct("Product Viewed".product_id, within 7d) >= 3' },
  { name: 'lapsed_buyers', rule: 'lapsed("Order Completed", 90d)' },
  { name: 'new_buyers', rule: 'first_performed("Order Completed", within 7d)' },
  { name: 'premium_order', rule: 'max("Order Completed".revenue, within 90d) > 300' },
  { name: 'view_then_add', rule: '"Product Viewed" then "Product Added" within 1h' },
];
