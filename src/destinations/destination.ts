import type { ChangeCause } from '../core/index.js';

/** The JSON body of one membership webhook (Standard Webhooks style: `type`, `timestamp`, `data`). */
export interface MembershipWebhookPayload {
  readonly type: 'segment.entered' | 'segment.exited';
  /** When the message was created (ISO 8601); identical on every retry. */
  readonly timestamp: string;
  readonly data: {
    readonly segment: { readonly id: string; readonly name: string; readonly version: number };
    readonly profile: {
      readonly id: string;
      readonly userId?: string;
      readonly email?: string;
      /** The traits a list-sync destination maps to ESP fields (only those; absent for webhooks). */
      readonly traits?: Readonly<Record<string, unknown>>;
    };
    /** The logical instant of the change (ISO 8601). */
    readonly at: string;
    /** Why it changed; `{kind: "suppression"}` when email eligibility caused it. */
    readonly cause:
      | ChangeCause
      | { readonly kind: 'email_eligibility'; readonly eligible: boolean }
      | { readonly kind: 'consent'; readonly category: string; readonly granted: boolean };
  };
}

/** One logical message: its stable id (the `webhook-id`, the same on every attempt) and body. */
export interface OutboundMessage {
  readonly id: string;
  readonly payload: MembershipWebhookPayload;
}

/** What one delivery attempt came to. Failures say whether trying again can help. */
export type DeliveryOutcome =
  | { readonly ok: true; readonly status: number; readonly durationMs: number }
  | {
      readonly ok: false;
      /** True for 5xx, 408/409/425/429, timeouts, network errors and redirects not followed. */
      readonly retryable: boolean;
      /** The receiver's `Retry-After`, in ms from now. */
      readonly retryAfterMs?: number;
      /** The HTTP status, when a response arrived. */
      readonly status?: number;
      readonly error: string;
      readonly durationMs: number;
    };

/** Something that membership changes are sent to. One attempt per call; the delivery worker retries. */
export interface Destination {
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>;
  /**
   * One attempt at many messages (at most one per person, so order per person holds), when the receiver takes
   * batches (ESP list syncs); the outcomes are in the messages' order. The worker prefers it when present.
   */
  deliverBatch?(messages: readonly OutboundMessage[]): Promise<DeliveryOutcome[]>;
}
