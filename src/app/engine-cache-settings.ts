/** The engine's profile-cache bounds, as read from the environment (each absent when its variable is unset). */
export interface EngineCacheSettings {
  readonly cacheCapacity?: number;
  readonly cacheBytes?: number;
}

/**
 * Reads `SEGFLOW_ENGINE_CACHE_MB` (estimated MiB of profile state the engine keeps in memory, default 256,
 * at least 16) and `SEGFLOW_ENGINE_CACHE_PROFILES` (profiles kept, default 100,000, at least 1,000): whichever
 * bound is reached first evicts (docs/engine.md, "Memory"). Throws on a value that is not such an integer, so an
 * invalid setting stops the start instead of being ignored.
 */
export function engineCacheSettings(env: Readonly<Record<string, string | undefined>>): EngineCacheSettings {
  const mb = integerSetting(env, 'SEGFLOW_ENGINE_CACHE_MB', 16);
  const profiles = integerSetting(env, 'SEGFLOW_ENGINE_CACHE_PROFILES', 1000);
  return { ...(mb === undefined ? {} : { cacheBytes: mb * 2 ** 20 }), ...(profiles === undefined ? {} : { cacheCapacity: profiles }) };
}

function integerSetting(env: Readonly<Record<string, string | undefined>>, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}
