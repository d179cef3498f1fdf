import type { JsonObject } from '../core/index.js';

/**
 * What happens to a message that breaks its schema: `allow` stores it untouched (violations are still
 * counted), `flag` stores it with the violations in `context.violationErrors`, `block` stores nothing and puts
 * it in the quarantine, from where it can be replayed once the plan is fixed.
 */
export type PlanMode = 'allow' | 'flag' | 'block';

/** The modes, for validation and documentation. */
export const PLAN_MODES: readonly PlanMode[] = ['allow', 'flag', 'block'];

/** What a schema applies to: a track event's `properties` (by event name) or identify `traits`. */
export type PlanSchemaKind = 'track' | 'identify';

/**
 * Violation kinds, spelled as RudderStack's tracking plans spell them (`context.violationErrors[].type`), so
 * dashboards and habits carry over: an event the plan does not name, a required field absent, a value of the
 * wrong JSON type, a property the schema does not allow, and any other JSON Schema keyword that failed.
 */
export type ViolationKind = 'Unplanned-Event' | 'Required-Missing' | 'Datatype-Mismatch' | 'Additional-Properties' | 'Unknown-Violation';

/** One schema of a plan. `event` is the track event name, '' for the identify schema. */
export interface PlanSchema {
  readonly kind: PlanSchemaKind;
  readonly event: string;
  readonly mode: PlanMode;
  readonly schema: JsonObject;
  readonly updatedAt: number;
}

/** A workspace's plan: how unplanned events are treated, its version (bumped on every change), its schemas. */
export interface TrackingPlan {
  readonly unplanned: PlanMode;
  readonly version: number;
  readonly schemas: readonly PlanSchema[];
}

/** One violation of one message, as `context.violationErrors` carries it (RudderStack's shape). */
export interface Violation {
  readonly type: ViolationKind;
  /** Dotted path of the offending field from the message root (`properties.price`); '' for the whole event. */
  readonly field: string;
  readonly message: string;
  readonly meta: { readonly instancePath: string; readonly schemaPath: string };
}

/** Counted violations of one (message type, event, kind, field), with the latest samples. */
export interface ViolationCount {
  readonly messageType: PlanSchemaKind;
  readonly event: string;
  readonly kind: ViolationKind;
  readonly field: string;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly samples: readonly ViolationSample[];
}

/** One example of a violation: which message, when, what the validator said and the value (truncated). */
export interface ViolationSample {
  readonly messageId: string;
  readonly at: number;
  readonly message: string;
  readonly value?: string;
}

/** A blocked message waiting in the quarantine. */
export interface QuarantinedMessage {
  readonly messageId: string;
  readonly messageType: PlanSchemaKind;
  readonly event: string;
  /** The message as the client sent it. */
  readonly message: unknown;
  readonly violations: readonly Violation[];
  readonly quarantinedAt: number;
}
