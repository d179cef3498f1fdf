/**
 * Test support for the group-commit steps: builds {@link GroupJob}s from raw Segment messages the way
 * `IngestService.ingest` prepares them (validated, messageId derived, timestamp normalised).
 */
import { messageIdOf } from '../dedupe.js';
import type { GroupJob, PreparedMessage } from '../group-job.js';
import { normaliseTimestamp } from '../normalise.js';
import { validateMessage } from '../validate.js';

/** A job of `workspaceId` holding `raws` (each must be valid), received at `receivedAt`. */
export function groupJob(workspaceId: string, raws: readonly Record<string, unknown>[], receivedAt: number): GroupJob {
  const prepared: PreparedMessage[] = raws.map((raw, index) => {
    const validation = validateMessage(raw, undefined, `batch[${index}]`);
    if (!validation.ok) throw new Error(`test message ${index} is invalid: ${validation.problem.detail}`);
    const message = validation.message;
    const time = normaliseTimestamp(
      { timestamp: message.timestamp, originalTimestamp: message.originalTimestamp, sentAt: message.sentAt ?? null },
      receivedAt,
    );
    return { index, message, messageId: messageIdOf(raw, message.type), timestamp: time.timestamp, clampedFrom: time.clampedFrom };
  });
  return { workspaceId, meta: { receivedAt, source: 'test' }, prepared };
}
