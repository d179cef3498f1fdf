/**
 * The one shape of an expected failure as a value: `{ ok: true, value }` or `{ ok: false, error }` (Zod's
 * `safeParse`, Rust's `Result`). Bugs and infrastructure failures throw instead. Shapes that must carry more on
 * either side (the rule parser's `diagnostics`, a segment save's `warnings`) extend these two members rather
 * than inventing their own.
 */
export type Result<T, E> = Ok<T> | Err<E>;

/** The success side of a {@link Result}. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** The failure side of a {@link Result}. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** A success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** An expected failure. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
