import type { JsonObject } from '../core/index.js';
import type { Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import { newAjv } from './new-ajv.js';

/** Why a JSON Schema was refused: the JSON Pointer of the offending part of the schema and a sentence. */
export interface SchemaProblem {
  /** JSON Pointer into the submitted schema (`/properties/price/type`); '' for the schema as a whole. */
  readonly path: string;
  readonly message: string;
}

/** Largest schema accepted, as JSON (a plan is many small schemas, not one huge one). */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/** Deepest nesting accepted. */
const MAX_DEPTH = 32;

/**
 * Keywords refused because they run user-supplied regular expressions against every message: the project's
 * rule is no user regular expression without a linear-time guarantee (JavaScript's engine backtracks, so one
 * bad pattern could stall ingestion). `format` keeps its fixed, vetted patterns.
 */
const REFUSED_KEYWORDS: ReadonlySet<string> = new Set(['pattern', 'patternProperties', '$async']);

function pointer(parts: readonly (string | number)[]): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function findRefused(value: unknown, at: (string | number)[], depth: number): SchemaProblem | undefined {
  if (depth > MAX_DEPTH) return { path: pointer(at), message: `nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findRefused(value[i], [...at, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    // Under `properties` (and friends) keys are property names, not keywords: a property may be called "pattern".
    const parent = at[at.length - 1];
    const keyIsName = parent === 'properties' || parent === 'definitions' || parent === '$defs' || parent === 'dependencies';
    if (!keyIsName && REFUSED_KEYWORDS.has(key)) {
      return { path: pointer([...at, key]), message: `the keyword "${key}" is not supported (user-supplied regular expressions could stall ingestion; use enum or format)` };
    }
    const found = findRefused(child, [...at, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

const checker = newAjv();

/**
 * Checks that `schema` is a JSON Schema (draft-07) segflow will run: an object, not too large, valid against
 * the meta-schema, free of user regular expressions, and compilable (every `$ref` resolvable inside it,
 * no unknown keyword or format). The first problem is returned with its JSON Pointer in the schema.
 */
export function checkPlanSchema(schema: unknown): Result<JsonObject, SchemaProblem> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return err({ path: '', message: 'a schema must be a JSON object' });
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) return err({ path: '', message: `a schema may be at most ${MAX_SCHEMA_BYTES} bytes (this one is ${bytes})` });
  const refused = findRefused(schema, [], 0);
  if (refused) return err(refused);
  if (!checker.validateSchema(schema)) {
    const first = checker.errors?.[0];
    const path = first?.instancePath ?? '';
    const detail = first ? `${first.message ?? 'invalid'}${first.params && 'allowedValues' in first.params ? ` (${(first.params.allowedValues as unknown[]).join(', ')})` : ''}` : 'invalid';
    return err({ path, message: `not a valid JSON Schema: ${path || '(root)'} ${detail}` });
  }
  try {
    checker.compile(schema);
  } catch (error) {
    return err({ path: '', message: `the schema does not compile: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    checker.removeSchema(schema);
  }
  return ok(schema as JsonObject);
}
