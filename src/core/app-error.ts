/**
 * The one error class thrown at segflow's edges (HTTP, CLI). It carries a stable `code` (documented in
 * docs/errors.md), the HTTP `status` it maps to, the offending `field` when there is one, a human `detail`
 * and the underlying `cause`. The API's error handler turns it into an RFC 9457 problem document.
 */
export class AppError extends Error {
  /** Stable machine-readable code, e.g. `INGEST_MISSING_ID`. */
  readonly code: string;
  /** HTTP status this error maps to. */
  readonly status: number;
  /** JSON path of the offending field (`batch[3].userId`), when the error is about one field. */
  readonly field: string | undefined;
  /** Extra members for the problem document (e.g. per-message results of a batch). */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  /** Seconds a client should wait before retrying (sets `Retry-After`), for 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    status: number,
    detail: string,
    options: {
      field?: string;
      cause?: unknown;
      extensions?: Record<string, unknown>;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.field = options.field;
    this.extensions = options.extensions;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The human-readable explanation (same as `message`). */
  get detail(): string {
    return this.message;
  }
}
