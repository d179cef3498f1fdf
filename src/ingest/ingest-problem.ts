/**
 * Stable codes of the ways one ingested message (or request) can be refused. Each is documented in
 * docs/errors.md ("HTTP API errors"). Codes never change meaning once released.
 */
export type IngestProblemCode =
  | 'INGEST_NOT_AN_OBJECT'
  | 'INGEST_FORBIDDEN_KEY'
  | 'INGEST_TOO_DEEP'
  | 'INGEST_MESSAGE_TOO_LARGE'
  | 'INGEST_BATCH_TOO_LARGE'
  | 'INGEST_BATCH_TOO_MANY'
  | 'INGEST_BATCH_INVALID'
  | 'INGEST_INVALID_TYPE'
  | 'INGEST_INVALID_FIELD'
  | 'INGEST_INVALID_TIMESTAMP'
  | 'INGEST_MISSING_ID'
  | 'INGEST_MISSING_EVENT'
  | 'INGEST_MISSING_FIELD';

/** Why one message was refused: a stable code, the JSON path of the offending field, and a sentence. */
export interface IngestProblem {
  readonly code: IngestProblemCode;
  /** Path of the offending field, e.g. `batch[2].properties.__proto__`; empty for the message as a whole. */
  readonly field: string;
  readonly detail: string;
}

/** Builds an {@link IngestProblem}. */
export function ingestProblem(code: IngestProblemCode, field: string, detail: string): IngestProblem {
  return { code, field, detail };
}
