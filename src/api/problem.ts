import { AppError } from '../core/index.js';

/** An RFC 9457 problem document, as every segflow API error is answered (`application/problem+json`). */
export interface ProblemDetails {
  /** `urn:segflow:error:<code>`; the code's entry in docs/errors.md explains it. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** Stable machine-readable code, e.g. `INGEST_MISSING_ID`. */
  readonly code: string;
  readonly detail: string;
  /** Path of the offending field, when the problem is about one. */
  readonly field?: string;
  /** The request path. */
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/** The problem to answer and the headers that go with it (`Retry-After`, `WWW-Authenticate`). */
export interface ProblemResponse {
  readonly problem: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;
  /** True for failures the operator must look at (5xx): the handler logs them with their stack. */
  readonly internal: boolean;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Builds a problem document. */
export function problem(status: number, code: string, detail: string, extra: { field?: string; instance?: string } & Record<string, unknown> = {}): ProblemDetails {
  const { field, instance, ...extensions } = extra;
  return {
    type: `urn:segflow:error:${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    code,
    detail,
    ...(field === undefined ? {} : { field }),
    ...(instance === undefined ? {} : { instance }),
    ...extensions,
  };
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: ReadonlyArray<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
  validationContext?: unknown;
}

function bodyTooLargeCode(route: string | undefined): string {
  if (route === '/v1/batch' || route === '/v1/import') return 'INGEST_BATCH_TOO_LARGE';
  if (route?.startsWith('/v1/')) return 'INGEST_MESSAGE_TOO_LARGE';
  return 'BODY_TOO_LARGE';
}

/**
 * Turns anything thrown while serving a request into a problem document: {@link AppError}s as they are;
 * Fastify's own errors (bad JSON, wrong content type, body too large, schema validation, bad gzip) into stable
 * codes; everything else into a 500 `INTERNAL` whose detail says nothing about the internals.
 */
export function problemFromError(error: unknown, request: { url: string; route?: string; id?: string }): ProblemResponse {
  const instance = request.url.split('?')[0];
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
    // Only the admin API names its scheme. `Basic` on /v1 would make a browser pop a login box for a write key
    // (ingestion takes it as the Basic username, but nobody should type one into a dialog).
    if (error.status === 401 && (request.route ?? request.url).startsWith('/api/')) headers['www-authenticate'] = 'Bearer';
    return {
      problem: problem(error.status, error.code, error.detail, { field: error.field, instance, ...error.extensions }),
      headers,
      internal: error.status >= 500,
    };
  }
  const e = (error ?? {}) as FrameworkError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const client = (s: number, c: string, detail: string, field?: string): ProblemResponse => ({
    problem: problem(s, c, detail, { instance, ...(field === undefined ? {} : { field }) }),
    headers: {},
    internal: false,
  });
  if (e.validation && e.validation.length > 0) {
    const first = e.validation[0]!;
    const where = typeof e.validationContext === 'string' ? e.validationContext : 'body';
    const path = (first.instancePath ?? '').split('/').filter(Boolean).join('.');
    const missing = typeof first.params?.missingProperty === 'string' ? first.params.missingProperty : undefined;
    const field = [where === 'body' ? '' : where, path, missing ?? ''].filter(Boolean).join('.');
    return client(400, 'VALIDATION_FAILED', `${field || where} ${first.message ?? 'is invalid'}.`, field);
  }
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return client(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client(413, bodyTooLargeCode(request.route), 'The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client(400, 'INVALID_JSON', 'The request body is empty; a JSON document was expected.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return client(400, 'INVALID_JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return client(400, 'INVALID_CONTENT_LENGTH', 'The body length does not match the Content-Length header.');
    case 'FST_ERR_NOT_FOUND':
      return client(404, 'NOT_FOUND', 'No such endpoint.');
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return client(400, 'INVALID_GZIP', 'The body is not valid gzip data.');
    default:
      break;
  }
  if (error instanceof SyntaxError && status === 400) {
    return client(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return client(status, `HTTP_${status}`, typeof e.message === 'string' ? e.message : 'The request was refused.');
  }
  const reference = request.id === undefined ? '' : ` (request id ${request.id})`;
  return {
    problem: problem(500, 'INTERNAL', `An internal error occurred and was logged${reference}.`, { instance }),
    headers: {},
    internal: true,
  };
}
