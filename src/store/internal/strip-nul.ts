/** U+FFFD REPLACEMENT CHARACTER, which stands in for NUL. */
const REPLACEMENT = '\ufffd';

/**
 * PostgreSQL cannot store NUL in `text` (nor the `\u0000` escape in `jsonb`), so a single NUL in one event's
 * property would fail a whole batch there. Both executors replace it with U+FFFD in string parameters, so the
 * two backends behave the same.
 */
export function stripNul(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', REPLACEMENT) : value;
}

/**
 * The JSON counterpart of {@link stripNul}: replaces the `\u0000` escape that `JSON.stringify` writes for NUL,
 * without touching an escaped backslash followed by the letters `u0000`.
 */
export function stripJsonNul(json: string): string {
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, `$1${REPLACEMENT}`) : json;
}
