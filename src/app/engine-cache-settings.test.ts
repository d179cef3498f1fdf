import { describe, expect, it } from 'vitest';
import { engineCacheSettings } from './engine-cache-settings.js';

describe('engineCacheSettings', () => {
  it('leaves both bounds to the engine defaults when unset', () => {
    expect(engineCacheSettings({})).toEqual({});
  });

  it('reads the byte bound in MiB and the profile bound', () => {
    expect(engineCacheSettings({ SEGFLOW_ENGINE_CACHE_MB: '64', SEGFLOW_ENGINE_CACHE_PROFILES: '50000' })).toEqual({
      cacheBytes: 64 * 2 ** 20,
      cacheCapacity: 50_000,
    });
  });

  it('stops the start on a value that is not an integer at or above its minimum', () => {
    expect(() => engineCacheSettings({ SEGFLOW_ENGINE_CACHE_MB: '1.5' })).toThrow(/SEGFLOW_ENGINE_CACHE_MB must be an integer ≥ 16/);
    expect(() => engineCacheSettings({ SEGFLOW_ENGINE_CACHE_MB: '8' })).toThrow(/≥ 16/);
    expect(() => engineCacheSettings({ SEGFLOW_ENGINE_CACHE_PROFILES: 'lots' })).toThrow(/SEGFLOW_ENGINE_CACHE_PROFILES/);
  });
});
