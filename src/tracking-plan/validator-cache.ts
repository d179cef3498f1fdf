import type { Ajv, ValidateFunction } from 'ajv';
import type { JsonObject } from '../core/index.js';
import { newAjv } from './new-ajv.js';

/** Options of {@link ValidatorCache}. */
export interface ValidatorCacheOptions {
  /** Compiled validators kept (default 1,000); the least recently used is dropped beyond it. */
  readonly maxEntries?: number;
}

/**
 * Compiled validators, bounded. Compiling a schema costs far more than running it (Ajv generates and compiles a
 * JavaScript function), so each schema is compiled once and kept; but a deployment with thousands of schemas
 * across workspaces must not keep thousands of generated functions alive, so the cache holds at most
 * `maxEntries` and drops the least recently used. A hit only stamps the entry with a use counter (no Map
 * re-insertion on the hot path); a miss beyond the bound scans for the oldest stamp, which costs O(entries) but
 * happens only beside a compilation that costs far more.
 *
 * The trap: Ajv keeps its own cache of every schema it compiled, keyed by the schema object, which would grow
 * without bound behind this one. Eviction therefore also calls `ajv.removeSchema(schema)`, so memory stays flat
 * however many schemas pass through (the unit test counts Ajv's cache, not just ours).
 *
 * Keys carry the plan version, so a changed schema is simply a different key; the stale entry ages out.
 */
export class ValidatorCache {
  private readonly ajv: Ajv = newAjv();
  private readonly entries = new Map<string, { validate: ValidateFunction; schema: JsonObject; used: number }>();
  private uses = 0;
  private readonly max: number;
  private compiledCount = 0;

  constructor(options: ValidatorCacheOptions = {}) {
    this.max = Math.max(1, options.maxEntries ?? 1_000);
  }

  /** The validator for `schema` under `key`, compiled on first use. */
  get(key: string, schema: JsonObject): ValidateFunction {
    const hit = this.entries.get(key);
    if (hit) {
      hit.used = ++this.uses;
      return hit.validate;
    }
    const validate = this.ajv.compile(schema);
    this.compiledCount++;
    if (this.entries.size >= this.max) {
      let oldestKey: string | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (const [k, e] of this.entries) {
        if (e.used < oldest) {
          oldest = e.used;
          oldestKey = k;
        }
      }
      const entry = this.entries.get(oldestKey!)!;
      this.entries.delete(oldestKey!);
      this.ajv.removeSchema(entry.schema);
    }
    this.entries.set(key, { validate, schema, used: ++this.uses });
    return validate;
  }

  /** Validators currently held. */
  get size(): number {
    return this.entries.size;
  }

  /** Schemas compiled since start (a miss compiles once). */
  get compiled(): number {
    return this.compiledCount;
  }

  /** Schemas Ajv itself still holds in its internal cache (should never exceed {@link size}). */
  get ajvCacheSize(): number {
    return (this.ajv as unknown as { _cache: Map<unknown, unknown> })._cache.size;
  }
}
