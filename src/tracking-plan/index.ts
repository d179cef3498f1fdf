/**
 * @module
 * Tracking plans (issue 13): per workspace, a JSON Schema per track event name and one for identify traits,
 * each with a mode (`allow`, `flag`, `block`), checked on every incoming message by ingestion's screening step
 * ({@link TrackingPlanScreen}, Ajv validators compiled once and kept in a bounded cache). Violations are counted
 * per event, kind (RudderStack's: Unplanned-Event, Required-Missing, Datatype-Mismatch, Additional-Properties,
 * Unknown-Violation) and field with samples; flagged messages carry them in `context.violationErrors`; blocked
 * ones wait in a quarantine that {@link TrackingPlanService.replay} ingests again once the plan is fixed.
 * {@link planCatalog} turns a plan into the rule checker's catalogue (for `segflow check`).
 */
export type { SchemaProblem } from './check-plan-schema.js';
export { checkPlanSchema, MAX_SCHEMA_BYTES } from './check-plan-schema.js';
export type { PlanMode, PlanSchema, PlanSchemaKind, QuarantinedMessage, TrackingPlan, Violation, ViolationCount, ViolationKind, ViolationSample } from './plan-types.js';
export { PLAN_MODES } from './plan-types.js';
export { planCatalog } from './plan-catalog.js';
export type { QuarantineRow } from './tracking-plan-repo-sql.js';
export { TrackingPlanRepoSql } from './tracking-plan-repo-sql.js';
export type { CachedPlan, TrackingPlanScreenOptions } from './tracking-plan-screen.js';
export { TrackingPlanScreen } from './tracking-plan-screen.js';
export type { ReplayIngest, ReplayReport, TrackingPlanServiceOptions } from './tracking-plan-service.js';
export { TrackingPlanService } from './tracking-plan-service.js';
export type { ValidatorCacheOptions } from './validator-cache.js';
export { ValidatorCache } from './validator-cache.js';
export { violationsOf } from './violations-of.js';
