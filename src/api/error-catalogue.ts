/**
 * @module
 * Every problem code the HTTP API can answer, with its HTTP status, in one typed catalogue (as the rule
 * diagnostics live in src/rules/diagnostics.ts). Routes raise errors only through {@link apiError}, so a code
 * cannot be answered with two statuses or go undocumented: `error-catalogue.test.ts` checks that each code here
 * has its row, with the same status, in docs/errors.md ("HTTP API errors").
 */
import { AppError } from '../core/index.js';
import type { EspProblemCode, IngestProblemCode } from '../ingest/index.js';

/** One catalogued code: the HTTP status it is answered with. */
export interface ApiErrorDefinition {
  readonly status: number;
}

/**
 * Code → status. Ingestion's message codes (`IngestProblemCode`) and the ESP verifier's codes (`EspProblemCode`)
 * must all be here: the `satisfies` clause below fails to compile when one is added there and not here.
 */
export const API_ERRORS = {
  // Ingestion: the message. Inside a batch every refused message is answered 400 (BATCH_REJECTION_STATUS).
  INGEST_NOT_AN_OBJECT: { status: 400 },
  INGEST_MISSING_ID: { status: 400 },
  INGEST_MISSING_EVENT: { status: 400 },
  INGEST_MISSING_FIELD: { status: 400 },
  INGEST_INVALID_TYPE: { status: 400 },
  INGEST_INVALID_FIELD: { status: 400 },
  INGEST_INVALID_TIMESTAMP: { status: 400 },
  INGEST_FORBIDDEN_KEY: { status: 400 },
  INGEST_TOO_DEEP: { status: 400 },
  INGEST_MESSAGE_TOO_LARGE: { status: 413 },
  // Ingestion: the request.
  INGEST_BATCH_INVALID: { status: 400 },
  INGEST_BATCH_TOO_MANY: { status: 413 },
  INGEST_BATCH_TOO_LARGE: { status: 413 },
  INGEST_OVERLOADED: { status: 429 },
  AUTH_MISSING_WRITE_KEY: { status: 401 },
  AUTH_INVALID_WRITE_KEY: { status: 401 },
  WRITE_KEY_NOT_FOUND: { status: 404 },
  // Any endpoint.
  INVALID_JSON: { status: 400 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415 },
  INVALID_GZIP: { status: 400 },
  INVALID_CONTENT_LENGTH: { status: 400 },
  BODY_TOO_LARGE: { status: 413 },
  VALIDATION_FAILED: { status: 400 },
  UNKNOWN_PARAMETER: { status: 400 },
  AUTH_MISSING_ADMIN_KEY: { status: 401 },
  AUTH_INVALID_ADMIN_KEY: { status: 401 },
  // Web app sessions (src/api/session).
  AUTH_SESSION_INVALID: { status: 401 },
  AUTH_CSRF_REFUSED: { status: 403 },
  PROFILE_NOT_FOUND: { status: 404 },
  ERASURE_NOT_FOUND: { status: 404 },
  ERASURE_REF_NOT_IDENTIFIER: { status: 422 },
  NOT_FOUND: { status: 404 },
  ROLE_NO_API: { status: 404 },
  SHUTTING_DOWN: { status: 503 },
  STORE_UNAVAILABLE: { status: 503 },
  INTERNAL: { status: 500 },
  // ESP event webhooks.
  ESP_UNKNOWN_PROVIDER: { status: 404 },
  ESP_NOT_CONFIGURED: { status: 401 },
  ESP_MISSING_SIGNATURE: { status: 401 },
  ESP_BAD_SIGNATURE: { status: 401 },
  ESP_STALE_SIGNATURE: { status: 401 },
  ESP_REPLAYED: { status: 401 },
  ESP_BAD_CREDENTIALS: { status: 401 },
  ESP_UNTRUSTED_CERTIFICATE: { status: 401 },
  ESP_TOPIC_NOT_ALLOWED: { status: 403 },
  ESP_INVALID_PAYLOAD: { status: 400 },
  ESP_INVALID_SETTINGS: { status: 400 },
  ESP_CERTIFICATE_UNAVAILABLE: { status: 503 },
  // Segments.
  RULE_INVALID: { status: 422 },
  SEGMENT_NOT_FOUND: { status: 404 },
  SEGMENT_NAME_TAKEN: { status: 409 },
  SEGMENT_NAME_RESERVED: { status: 422 },
  SEGMENT_SYSTEM: { status: 409 },
  SEGMENT_HAS_DEPENDENTS: { status: 409 },
  // Destinations.
  DESTINATION_URL_FORBIDDEN: { status: 422 },
  DESTINATION_INVALID: { status: 422 },
  DESTINATION_NOT_FOUND: { status: 404 },
  DELIVERY_NOT_FOUND: { status: 404 },
  // Scores.
  SCORE_NAME_INVALID: { status: 422 },
  // Experiments.
  EXPERIMENT_INVALID: { status: 422 },
  EXPERIMENT_NAME_TAKEN: { status: 409 },
  EXPERIMENT_CHANGED: { status: 409 },
  EXPERIMENT_NOT_FOUND: { status: 404 },
  // Workflows.
  WORKFLOW_INVALID: { status: 422 },
  WORKFLOW_NOT_FOUND: { status: 404 },
  WORKFLOW_VERSION_NOT_FOUND: { status: 404 },
  WORKFLOW_NAME_TAKEN: { status: 409 },
  WORKFLOW_UNMAPPED_STEPS: { status: 409 },
  WORKFLOW_ARCHIVED: { status: 409 },
  WORKFLOW_SCENARIO_INVALID: { status: 422 },
  DESTINATION_ESP_UNAVAILABLE: { status: 502 },
  // Trust: metrics, workspaces and keys, the audit log.
  METRICS_FORBIDDEN: { status: 403 },
  WORKSPACE_FORBIDDEN: { status: 403 },
  KEY_NOT_FOUND: { status: 404 },
  KEY_LAST_ADMIN: { status: 409 },
  // Tracking plan.
  TRACKING_PLAN_SCHEMA_INVALID: { status: 422 },
  TRACKING_PLAN_SCHEMA_NOT_FOUND: { status: 404 },
  // Alerts.
  ALERT_RULE_INVALID: { status: 422 },
  ALERT_SEGMENT_NOT_FOUND: { status: 422 },
  ALERT_RULE_NOT_FOUND: { status: 404 },
  ALERT_RULE_NAME_TAKEN: { status: 409 },
} as const satisfies Readonly<Record<IngestProblemCode | EspProblemCode, ApiErrorDefinition> & Record<string, ApiErrorDefinition>>;

/** A catalogued problem code. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** The status of every message refusal inside `/v1/batch`: the batch as a whole is a bad request. */
export const BATCH_REJECTION_STATUS = 400;

/** True when `code` is in the catalogue. */
export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code);
}

/** Options of {@link apiError}: the offending field, the cause, extra problem members, `Retry-After`. */
export interface ApiErrorOptions {
  readonly field?: string;
  readonly cause?: unknown;
  readonly extensions?: Record<string, unknown>;
  readonly retryAfterSeconds?: number;
  /** Only for the documented exception: a message code answered inside a batch ({@link BATCH_REJECTION_STATUS}). */
  readonly status?: typeof BATCH_REJECTION_STATUS;
}

/** The {@link AppError} for a catalogued code, with the catalogue's status. */
export function apiError(code: ApiErrorCode, detail: string, options: ApiErrorOptions = {}): AppError {
  const { status, ...rest } = options;
  return new AppError(code, status ?? API_ERRORS[code].status, detail, rest);
}
