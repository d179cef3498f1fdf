import type { Condition } from '../ast/index.js';

/** The type of a trait or event property, as observed in the data. */
export type ValueType = 'string' | 'number' | 'boolean' | 'date';

/** What has been seen of one event name: its properties by dotted path (`product.id`) and their types. */
export interface EventSchema {
  readonly properties?: Readonly<Record<string, ValueType>>;
}

/**
 * The catalogue of names seen in a workspace's data (from the tracking plan or observed events).
 * When `events` is given, unknown event names are flagged; when an event's `properties` is given, unknown
 * properties of it are flagged; when `traits` is given, unknown traits are. Types enable type checks.
 */
export interface RuleCatalog {
  readonly events?: Readonly<Record<string, EventSchema>>;
  /** Trait types by dotted path below `traits` (`address.city`). */
  readonly traits?: Readonly<Record<string, ValueType>>;
}

/** What the checker knows beyond the rule itself. Every field is optional; absent fields skip their checks. */
export interface CheckContext {
  /** The other segments, name → condition: `in_segment` references must name one, and must not form a cycle. */
  readonly segments?: ReadonlyMap<string, Condition> | Readonly<Record<string, Condition>>;
  /** The name of the segment this rule defines (so a reference back to it is reported as a cycle). */
  readonly segmentName?: string;
  /** How far back event history is kept, in milliseconds: longer windows cannot be answered. */
  readonly retentionMs?: number;
  readonly catalog?: RuleCatalog;
}
