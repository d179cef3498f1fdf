import type { EventType } from '../core/index.js';
import type { IngestProblem } from './ingest-problem.js';

/** What happened to one message. */
export type MessageResult =
  | {
      readonly outcome: 'accepted';
      readonly type: EventType;
      readonly messageId: string;
      readonly profileId: string;
      readonly seq: number;
      /** Non-fatal adjustments, e.g. `timestamp clamped: 2031-01-01T00:00:00.000Z was more than 24h ahead`. */
      readonly warnings: readonly string[];
    }
  | { readonly outcome: 'duplicate'; readonly type: EventType; readonly messageId: string }
  /** Blocked by the tracking plan and kept in its quarantine (durably) instead of the event log. */
  | { readonly outcome: 'quarantined'; readonly type: EventType; readonly messageId: string }
  /** It names a person erased with suppression (docs/privacy.md): dropped, not stored, counted on the erasure. */
  | { readonly outcome: 'suppressed'; readonly type: EventType; readonly messageId: string }
  | { readonly outcome: 'rejected'; readonly type: EventType | null; readonly problem: IngestProblem };
