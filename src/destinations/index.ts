/**
 * @module
 * Outbound membership webhooks. The delivery worker reads the membership change log by a durable cursor per
 * destination, turns the changes each destination subscribes to into delivery rows (in the same transaction
 * as the cursor), and sends them — signed per Standard Webhooks, at least once, in order per profile, with
 * exponential backoff and full jitter, a dead-letter state and automatic disabling of a destination that
 * keeps failing. Every connection goes through the SSRF guard (registration, connect time after DNS, each
 * redirect hop) unless the operator allow-lists the address in `SEGFLOW_DESTINATION_ALLOWLIST`.
 */
export type { AddressClass } from './classify-address.js';
export { classifyAddress } from './classify-address.js';
export type { DeliveryOutcome, Destination, MembershipWebhookPayload, OutboundMessage } from './destination.js';
export type { AllowlistParseResult, DestinationAllowlist } from './destination-allowlist.js';
export { emptyAllowlist, parseDestinationAllowlist, safeParseDestinationAllowlist } from './destination-allowlist.js';
export type { GuardedPostLimits } from './guarded-post.js';
export { defaultGuardedPostLimits } from './guarded-post.js';
export type { IpAddress } from './ip-address.js';
export { formatIp, parseIp } from './ip-address.js';
export { parseRetryAfter } from './retry-after.js';
export { newSigningSecret } from './signing-secret.js';
export type { GuardResult, PinnedTarget, ResolvedAddress, Resolver, SsrfGuardOptions, SsrfRefusal } from './ssrf-guard.js';
export { METADATA_HOSTNAMES, SsrfGuard, systemResolver } from './ssrf-guard.js';
export type { WebhookDestinationOptions } from './webhook-destination.js';
export { WebhookDestination } from './webhook-destination.js';
export type { SegmentInfo } from './build-payload.js';
export { buildPayload } from './build-payload.js';
export type { AttemptRecord, DeliveryRecord, DeliveryStatus } from './delivery-record.js';
export { messageIdOf } from './delivery-record.js';
export type { DeliveryWorkerOptions, TickSummary, WorkerLogEntry } from './delivery-worker.js';
export { DeliveryWorker, EMAIL_ELIGIBLE_SEGMENT } from './delivery-worker.js';
export type { DestinationRecord, DisabledReason, SegmentSelection } from './destination-record.js';
export type { DestinationPatch } from './destination-repo-sql.js';
export type {
  DeliveryView,
  DestinationFailure,
  DestinationInput,
  DestinationResult,
  DestinationServiceOptions,
  DestinationView,
} from './destination-service.js';
export { DestinationService } from './destination-service.js';
export { isEmailEligible } from './email-eligibility.js';
export type { ListMemberChange, ListMemberOutcome } from './list-sync/list-member-change.js';
export { changeListMember } from './list-sync/list-member-change.js';
export type { OperationalEvent } from './operational-event-repo-sql.js';
export type { RetryPolicy } from './retry-policy.js';
export { backoffDelay, defaultRetryPolicy } from './retry-policy.js';
export type { RunningDestinations, StartDestinationsOptions } from './start-destinations.js';
export { ensureEmailEligibleSegment, startDestinations } from './start-destinations.js';
export { CONSENT_SEGMENT_PREFIX, consentSegmentName, ensureConsentSegments } from './consent-segments.js';
export type { SecretCipher } from './secret-cipher.js';
export { isSealedSecret, plainSecrets, secretCipher, secretCipherFromEnv } from './secret-cipher.js';
