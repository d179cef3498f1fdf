/**
 * @module
 * segflow's domain types and the few pure helpers every layer shares. No I/O lives here.
 */
export { AppError } from './app-error.js';
export { assertNever } from './assert-never.js';
export { assignmentPoint } from './assignment-point.js';
export type { Clock, TimerHandle } from './clock.js';
export { FakeClock, systemClock, yieldToEventLoop } from './clock.js';
export { PeriodicTask } from './periodic-task.js';
export type { EventType, JsonObject, NewEvent, StoredEvent } from './event.js';
export { newId } from './ids.js';
export { identifierHash } from './identifier-hash.js';
export type { Err, Ok, Result } from './result.js';
export { err, ok } from './result.js';
export type { ChangeCause, MembershipChange } from './membership-change.js';
export type { Member, Segment } from './segment.js';
export { isSystemSegmentName, SYSTEM_SEGMENT_PREFIX } from './segment.js';
export type { Identity, IdentityKind, Profile, Subscription, SubscriptionState } from './profile.js';
export type { ApiKey, ApiKeyKind, Workspace } from './workspace.js';
