import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import type { DestinationRecord } from './destination-record.js';
import { DestinationRepoSql } from './destination-repo-sql.js';
import { plainSecrets, secretCipher, secretCipherFromEnv } from './secret-cipher.js';
import { newSigningSecret } from './signing-secret.js';

const record = (secret: string): DestinationRecord => ({
  id: 'dst_1',
  workspaceId: 'ws_default',
  name: 'CRM',
  kind: 'webhook',
  url: 'https://hooks.example.com/',
  secret,
  previousSecret: null,
  previousSecretUntil: null,
  config: {},
  rateLimitWaits: 0,
  lastError: null,
  lastErrorAt: null,
  segments: 'all',
  emailTargeting: false,
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  cursorSeq: 0,
  consecutiveDead: 0,
  failingSince: null,
  createdAt: 0,
  updatedAt: 0,
});

describe('secretCipher', () => {
  it('round-trips a secret and seals it differently every time', () => {
    const cipher = secretCipher('a long operator key, 32+ chars!!');
    const secret = newSigningSecret();
    const a = cipher.seal(secret);
    expect(a).toMatch(/^enc:v1:/);
    expect(a).not.toContain(secret.slice(6));
    expect(cipher.seal(secret)).not.toBe(a);
    expect(cipher.open(a)).toBe(secret);
  });

  it('refuses to open with another key or without one, and reads values stored before a key was set', () => {
    const sealed = secretCipher('first key, long enough').seal('whsec_abc');
    expect(() => secretCipher('second key, long enough').open(sealed)).toThrow(/SEGFLOW_SECRET_KEY differs/);
    expect(() => plainSecrets.open(sealed)).toThrow(/SEGFLOW_SECRET_KEY is not set/);
    expect(secretCipher('first key, long enough').open('whsec_plain')).toBe('whsec_plain');
  });

  it('reads the key from SEGFLOW_SECRET_KEY and refuses a short one', () => {
    expect(secretCipherFromEnv({})).toBe(plainSecrets);
    expect(() => secretCipherFromEnv({ SEGFLOW_SECRET_KEY: 'short' })).toThrow(/at least 16/);
    expect(secretCipherFromEnv({ SEGFLOW_SECRET_KEY: 'sixteen chars ok' }).seal('x')).toMatch(/^enc:v1:/);
  });
});

describeEachStore('destination secrets at rest', (getStore) => {
  it('stores the signing secret sealed and reads it back in clear', async () => {
    const store = getStore();
    const cipher = secretCipher('operator key for the test run');
    const secret = newSigningSecret();
    await new DestinationRepoSql(store.sql, cipher).insert(record(secret));
    const [raw] = await store.sql.query<{ secret: string }>('SELECT secret FROM destinations');
    expect(raw?.secret).toMatch(/^enc:v1:/);
    expect(raw?.secret).not.toContain(secret.slice(6));
    expect((await new DestinationRepoSql(store.sql, cipher).byId('dst_1'))?.secret).toBe(secret);
  });
});
