import type { CompareOp, Condition, Metric } from '../ast/index.js';
import type { SubscriptionStatus } from '../history.js';

/**
 * One node of an explanation: a sub-condition, its value at t, a short human text, the evidence it was decided
 * on, and the instant it can next change by time alone. Plain data (no `undefined` values, no `Infinity`):
 * `JSON.stringify` of a tree loses nothing.
 */
export interface ExplainNode {
  readonly kind: Condition['kind'];
  readonly value: boolean;
  /** e.g. `count("Product Viewed" where product_id = "X", within 48h) = 3 ≥ 2`. */
  readonly text: string;
  /** Epoch ms of the next change by time alone; absent when it never changes by time alone. */
  readonly nextChange?: number;
  readonly evidence: Evidence;
  /** Sub-conditions (and / or / not), or the referenced segment's rule (in_segment). */
  readonly children: readonly ExplainNode[];
}

/** An event cited as evidence. */
export interface EventRef {
  readonly id: string;
  readonly name: string;
  readonly time: number;
}

/** A capped list of events: the latest `events.length` (≤ `EXPLAIN_EVENT_CAP`) of `total`, oldest first. */
export interface EventList {
  readonly total: number;
  readonly events: readonly EventRef[];
}

/** A window resolved at t: `(after, upTo]`; `after` is `null` for an open lower edge. */
export interface ResolvedWindow {
  readonly after: number | null;
  readonly upTo: number;
}

/** A first step of a sequence cited as evidence, with its deadline and key. */
export interface SequenceStepRef {
  readonly first: EventRef;
  readonly deadline: number;
  readonly key?: string | number | boolean;
  readonly then?: EventRef;
}

/** What a node was decided on; tagged by `kind`. */
export type Evidence =
  | { readonly kind: 'combination'; readonly holding: number; readonly of: number }
  | { readonly kind: 'negation' }
  | { readonly kind: 'trait'; readonly path: readonly string[]; readonly present: boolean; readonly value?: unknown }
  | { readonly kind: 'events'; readonly window: ResolvedWindow; readonly matched: EventList }
  | { readonly kind: 'first_performed'; readonly window: ResolvedWindow; readonly first?: EventRef }
  | { readonly kind: 'lapsed'; readonly last?: EventRef; readonly lapsesAt?: number }
  | {
      readonly kind: 'metric';
      readonly metric: Metric['kind'];
      /** The measured value; `null` when it is undefined (then every comparison is false). */
      readonly measured: number | null;
      readonly op: CompareOp;
      readonly threshold: number;
      readonly window?: ResolvedWindow;
      readonly matched?: EventList;
      readonly denominator?: EventList;
      readonly valuesUsed?: number;
    }
  | {
      readonly kind: 'sequence';
      /** Negated: first steps whose deadline passed with no second step. Positive: completed pairs. */
      readonly matches: readonly SequenceStepRef[];
      readonly totalMatches: number;
      /** First steps still waiting (deadline ahead, no second step yet). */
      readonly pending: readonly SequenceStepRef[];
      readonly totalPending: number;
    }
  | { readonly kind: 'seen'; readonly window: ResolvedWindow; readonly time?: number }
  | { readonly kind: 'segment'; readonly segment: string; readonly known: boolean; readonly cycle: boolean }
  /** The arm the profile's id is assigned to by the experiment's split (absent when the id is unknown). */
  | { readonly kind: 'experiment_arm'; readonly experiment: string; readonly assigned?: string }
  | {
      readonly kind: 'subscription';
      readonly status?: SubscriptionStatus;
      readonly email?: string;
      readonly consentRefused: readonly string[];
    }
  | { readonly kind: 'consent'; readonly category: string; readonly granted: boolean | null };

/** At most this many events (or sequence steps) are listed per node; `total` always counts them all. */
export const EXPLAIN_EVENT_CAP = 20;
