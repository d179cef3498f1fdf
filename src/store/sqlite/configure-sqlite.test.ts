import { describe, expect, it } from 'vitest';
import { synchronousFromEnv } from './configure-sqlite.js';

describe('synchronousFromEnv', () => {
  it('defaults to NORMAL and accepts NORMAL or FULL in any case', () => {
    expect(synchronousFromEnv({})).toBe('NORMAL');
    expect(synchronousFromEnv({ SEGFLOW_SQLITE_SYNCHRONOUS: '' })).toBe('NORMAL');
    expect(synchronousFromEnv({ SEGFLOW_SQLITE_SYNCHRONOUS: 'full' })).toBe('FULL');
    expect(synchronousFromEnv({ SEGFLOW_SQLITE_SYNCHRONOUS: ' Normal ' })).toBe('NORMAL');
  });

  it('rejects any other level with a message naming the variable', () => {
    expect(() => synchronousFromEnv({ SEGFLOW_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/SEGFLOW_SQLITE_SYNCHRONOUS must be NORMAL or FULL/);
  });
});
