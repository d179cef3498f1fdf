import type { MembershipWebhookPayload } from './destination.js';

/** Where a delivery stands: waiting (first try or retry), done, or given up on (dead-lettered). */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One logical message to one destination. `id` is its `webhook-id`, the same on every attempt and restart. */
export interface DeliveryRecord {
  readonly id: string;
  readonly destinationId: string;
  readonly workspaceId: string;
  /** The change-log seq it came from, and its index among the messages that change produced. */
  readonly seq: number;
  readonly sub: number;
  readonly profileId: string;
  readonly segmentId: string;
  readonly kind: 'entered' | 'exited';
  readonly payload: MembershipWebhookPayload;
  readonly status: DeliveryStatus;
  /** Attempts since creation or the last replay (what the retry limit counts). */
  readonly attempts: number;
  /** Attempts ever made. */
  readonly totalAttempts: number;
  readonly nextAttemptAt: number;
  /** Start of the current retry window (creation or last replay): what the age limit counts from. */
  readonly windowStart: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deliveredAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/** One attempt at a delivery. */
export interface AttemptRecord {
  readonly deliveryId: string;
  /** 1, 2, … over the delivery's whole life (replays continue the count). */
  readonly n: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: number | null;
  readonly outcome: 'delivered' | 'retry' | 'dead';
  readonly error: string | null;
}

/** The webhook-id of the `sub`-th message a change produced for a destination: stable across retries and restarts. */
export function messageIdOf(destinationId: string, seq: number, sub: number): string {
  return `msg_${seq}_${sub}_${destinationId}`;
}
