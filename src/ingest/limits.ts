/** Segment's documented HTTP API limits, which segflow enforces the same way. */
export const ingestLimits = {
  /** Bytes of one message, serialised as JSON. */
  maxMessageBytes: 32 * 1024,
  /** Bytes of one `/v1/batch` request body (after gzip decompression). */
  maxBatchBytes: 500 * 1024,
  /** Messages in one batch. */
  maxBatchMessages: 2500,
  /** Nesting depth of objects and arrays inside one message. */
  maxDepth: 32,
  /** Length of an identifier (userId, anonymousId, messageId, groupId, previousId). */
  maxIdLength: 1024,
  /** How far ahead of `receivedAt` an event time may lie before it is clamped. */
  maxFutureMs: 24 * 60 * 60 * 1000,
} as const;
