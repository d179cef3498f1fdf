/**
 * @module
 * Segment-compatible ingestion, one file per step: {@link validateMessage} (schemas, limits, hostile input),
 * key authentication ({@link KeyAuthenticator}), dedupe ({@link messageIdOf}), timestamp normalisation
 * ({@link normaliseTimestamp}), identity resolution ({@link resolveIdentity}), subscription derivation
 * ({@link subscriptionSignalOf}), tied together by {@link IngestService}, whose bounded group-commit queue writes
 * every concurrent request of a moment in one transaction and notifies `onCommitted` listeners. A group
 * commit is a sequence of named steps, each in its own file: find existing messages, prefetch identities,
 * resolve messages, widen first/last seen, append and report (`commit-group.ts` runs them). HTTP, ESP
 * webhooks and bulk import all ingest through it.
 */
export type { AuthResult, GeneratedKey, KeyOwner } from './authenticate.js';
export { KeyAuthenticator, bearerTokenOf, generateKey, hashKey, keyRecord, writeKeyOf } from './authenticate.js';
export { SeenMessageIds, messageIdOf } from './dedupe.js';
export type { IngestProblem, IngestProblemCode } from './ingest-problem.js';
export { ingestProblem } from './ingest-problem.js';
export { ingestLimits } from './limits.js';
export type { MessageTimes, NormalisedTime } from './normalise.js';
export { normaliseTimestamp } from './normalise.js';
export type { IngestMeta } from './ingest-meta.js';
export type { MessageResult } from './message-result.js';
export type { MessageScreen, ScreenInput, ScreenVerdict } from './screen-messages.js';
export type { IngestOptions, IngestResult } from './pipeline.js';
export { IngestService } from './pipeline.js';
export type { GroupWriter } from './group-writer.js';
export { StoreGroupWriter } from './group-writer.js';
export type { ThreadGroupWriterOptions } from './writer-thread/thread-group-writer.js';
export { ThreadGroupWriter } from './writer-thread/thread-group-writer.js';
export type { IdentityResolution, MessageIdentities } from './resolve-identity.js';
export { normaliseEmail, resolveIdentity } from './resolve-identity.js';
export type { ProfileLookup, ProfileReference } from './profile-reference.js';
export { parseProfileReference, resolveProfileReference } from './profile-reference.js';
export type { SubscriptionSignal } from './subscription.js';
export { applySubscriptionSignal, subscriptionSignalOf, unknownSubscription } from './subscription.js';
export type { BatchBody, BatchEnvelope, BatchValidationResult, SegmentMessage, ValidationResult } from './validate.js';
export { BatchSchema, SegmentMessageSchema, checkStructure, validateBatch, validateMessage } from './validate.js';
export type { WriteQueueOptions } from './write-queue.js';
export { QueueFullError, WriteQueue } from './write-queue.js';
export * from './import/index.js';
export * from './esp/index.js';
