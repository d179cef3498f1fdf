import type { EventType, JsonObject } from '../core/index.js';

/** Where and when a request's messages arrived. */
export interface IngestMeta {
  /** Acceptance time (epoch ms); the base of clock-skew correction. */
  readonly receivedAt: number;
  /** The batch's `sentAt` (epoch ms) when the client sent one; a message's own `sentAt` wins. */
  readonly sentAt?: number | null;
  /** Where the messages came from: `http:/v1/batch`, `import:file.jsonl`, `esp:sendgrid`, … (for logs). */
  readonly source: string;
  /** Batch-level `context`, shallow-merged under each message's own context. */
  readonly context?: JsonObject;
  /** Fixes the call type (single-message routes such as `/v1/track`); otherwise each message's `type` counts. */
  readonly type?: EventType;
  /** Field path prefix of message `i` in problems; default `batch[i]`. */
  readonly fieldOf?: (index: number) => string;
}
