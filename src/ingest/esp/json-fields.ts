/**
 * Reading fields of a provider's webhook JSON, which arrives untyped. Shared by the ESP mappers; not exported
 * from the folder.
 */

/** A non-empty string field, or a number field as text (providers send some ids either way); otherwise undefined. */
export function textField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** An object field, or an empty object when it is missing or not a plain object (arrays included). */
export function objectField(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
