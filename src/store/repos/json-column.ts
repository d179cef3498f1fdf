import type { JsonObject } from '../../core/index.js';
import { stripJsonNul } from '../internal/strip-nul.js';

/**
 * Serialises a value for a JSON column (TEXT on SQLite, jsonb on PostgreSQL). NUL characters in strings become
 * U+FFFD on both backends, because jsonb cannot hold them.
 */
export function toJson(value: unknown): string {
  return stripJsonNul(JSON.stringify(value));
}

/**
 * Parses a JSON column. Both executors return JSON as text; the object fallback only guards against a
 * driver configured differently.
 */
export function fromJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** Parses a JSON column that holds an object. */
export function fromJsonObject(value: unknown): JsonObject {
  const parsed = fromJson(value);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
}

/** A nullable integer column as a JS number (PostgreSQL may hand back numeric strings from expressions). */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
