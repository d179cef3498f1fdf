/** Stable codes of the ways an ESP webhook request can be refused (documented in docs/esp-webhooks.md). */
export type EspProblemCode =
  | 'ESP_NOT_CONFIGURED'
  | 'ESP_MISSING_SIGNATURE'
  | 'ESP_BAD_SIGNATURE'
  | 'ESP_STALE_SIGNATURE'
  | 'ESP_REPLAYED'
  | 'ESP_BAD_CREDENTIALS'
  | 'ESP_UNTRUSTED_CERTIFICATE'
  | 'ESP_TOPIC_NOT_ALLOWED'
  | 'ESP_INVALID_PAYLOAD'
  | 'ESP_CERTIFICATE_UNAVAILABLE';

/** Why a request was refused: a stable code, the HTTP status it maps to, and a sentence (never a secret). */
export interface EspProblem {
  readonly ok: false;
  readonly code: EspProblemCode;
  readonly status: 400 | 401 | 403 | 404 | 503;
  readonly detail: string;
}

/** The outcome of checking a request's authenticity: ok, or an {@link EspProblem}. */
export type VerifyResult = { readonly ok: true } | EspProblem;

/** Builds an {@link EspProblem}. */
export function espProblem(code: EspProblemCode, status: EspProblem['status'], detail: string): EspProblem {
  return { ok: false, code, status, detail };
}

/** The single success value. */
export const verified: VerifyResult = { ok: true };
