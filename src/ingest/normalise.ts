import { ingestLimits } from './limits.js';

/** The date fields of one message that decide its event time, in epoch ms. */
export interface MessageTimes {
  readonly timestamp: number | null;
  readonly originalTimestamp: number | null;
  /** The message's own `sentAt`, else the batch's. */
  readonly sentAt: number | null;
}

/** The event time segflow stores, and a warning when the far-future policy changed it. */
export interface NormalisedTime {
  readonly timestamp: number;
  /** Set when the time was clamped: the skew-corrected time that lay too far ahead. */
  readonly clampedFrom?: number;
}

/**
 * Computes the event time the way Segment does. When the client sent `sentAt`, its clock may be wrong, but the
 * interval between the event and the send is right, so the event time is
 * `receivedAt − (sentAt − (originalTimestamp ?? timestamp))`. Without `sentAt` (server-side or historical data),
 * `timestamp` (else `originalTimestamp`) is taken as given; without any date the event happened at `receivedAt`.
 *
 * Far-future policy: an event time more than {@link ingestLimits.maxFutureMs} (24 h) after `receivedAt` is a
 * client bug, not a plan: it would sit in every "within" window until that date. It is clamped to `receivedAt`
 * and the original is reported (`clampedFrom`) so the caller can warn and keep it for audit.
 */
export function normaliseTimestamp(times: MessageTimes, receivedAt: number): NormalisedTime {
  const clientTime = times.originalTimestamp ?? times.timestamp;
  let timestamp: number;
  if (clientTime === null) {
    timestamp = receivedAt;
  } else if (times.sentAt !== null) {
    timestamp = receivedAt - (times.sentAt - clientTime);
  } else {
    timestamp = times.timestamp ?? clientTime;
  }
  if (timestamp > receivedAt + ingestLimits.maxFutureMs) {
    return { timestamp: receivedAt, clampedFrom: timestamp };
  }
  return { timestamp };
}
