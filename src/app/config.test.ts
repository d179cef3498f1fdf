import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the defaults: port 8080, loopback only, SQLite at ./data/segflow.db', () => {
    const result = loadConfig({}, {});
    expect(result).toMatchObject({ ok: true, config: { port: 8080, host: '127.0.0.1', storage: { kind: 'sqlite' } } });
    if (result.ok && result.config.storage.kind === 'sqlite') expect(result.config.storage.file.endsWith('data/segflow.db')).toBe(true);
  });

  it('binds every interface only when asked to', () => {
    expect(loadConfig({ host: '0.0.0.0' }, {})).toMatchObject({ ok: true, config: { host: '0.0.0.0' } });
    expect(loadConfig({}, { SEGFLOW_HOST: '::' })).toMatchObject({ ok: true, config: { host: '::' } });
  });

  it('reads connection limits and the metrics token, and refuses nonsense', () => {
    const good = loadConfig({}, { SEGFLOW_REQUEST_TIMEOUT_MS: '5000', SEGFLOW_HEADERS_TIMEOUT_MS: '2000', SEGFLOW_MAX_CONNECTIONS: '64', SEGFLOW_METRICS_TOKEN: 'prometheus-token-0123' });
    expect(good).toMatchObject({
      ok: true,
      config: { connections: { requestTimeoutMs: 5000, headersTimeoutMs: 2000, keepAliveTimeoutMs: 5000, maxConnections: 64 }, metricsToken: 'prometheus-token-0123' },
    });
    const bad = loadConfig({}, { SEGFLOW_MAX_CONNECTIONS: '0', SEGFLOW_REQUEST_TIMEOUT_MS: 'soon', SEGFLOW_METRICS_TOKEN: 'short' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toHaveLength(3);
    const inverted = loadConfig({}, { SEGFLOW_REQUEST_TIMEOUT_MS: '1000', SEGFLOW_HEADERS_TIMEOUT_MS: '2000' });
    expect(inverted).toEqual({ ok: false, errors: ['SEGFLOW_HEADERS_TIMEOUT_MS must not exceed SEGFLOW_REQUEST_TIMEOUT_MS'] });
  });

  it('prefers flags over the environment', () => {
    const result = loadConfig({ port: '9000', db: '/tmp/a.db' }, { SEGFLOW_PORT: '7000', SEGFLOW_DB: '/tmp/b.db' });
    expect(result).toMatchObject({ ok: true, config: { port: 9000, storage: { kind: 'sqlite', file: '/tmp/a.db' } } });
  });

  it('reads the environment when no flag is given', () => {
    const result = loadConfig({}, { SEGFLOW_PORT: '7000', SEGFLOW_DATABASE_URL: 'postgres://x@y/z', SEGFLOW_WRITE_KEY: 'w'.repeat(20) });
    expect(result).toMatchObject({ ok: true, config: { port: 7000, storage: { kind: 'postgres', url: 'postgres://x@y/z' }, writeKey: 'w'.repeat(20) } });
  });

  it('lets --db override SEGFLOW_DATABASE_URL', () => {
    expect(loadConfig({ db: '/tmp/c.db' }, { SEGFLOW_DATABASE_URL: 'postgres://x@y/z' })).toMatchObject({ ok: true, config: { storage: { kind: 'sqlite' } } });
  });

  it('reports every problem at once', () => {
    const result = loadConfig({ port: 'eighty', db: '/tmp/a.db', databaseUrl: 'mysql://nope' }, { SEGFLOW_ADMIN_KEY: 'short' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(3);
      expect(result.errors.join('\n')).toMatch(/port must be an integer/);
      expect(result.errors.join('\n')).toMatch(/not both/);
      expect(result.errors.join('\n')).toMatch(/SEGFLOW_ADMIN_KEY must be at least 16/);
    }
  });

  it('refuses a port out of range and a non-PostgreSQL URL', () => {
    expect(loadConfig({ port: 70000 }, {}).ok).toBe(false);
    expect(loadConfig({ databaseUrl: 'mysql://x' }, {}).ok).toBe(false);
  });

  it('keeps the SEGFLOW_* variables (and nothing else) for the subsystems configured from them', () => {
    const result = loadConfig({}, { SEGFLOW_SECRET_KEY: 'sixteen chars ok', SEGFLOW_DESTINATION_ALLOWLIST: '10.0.0.0/8', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(result.ok && result.config.env).toEqual({ SEGFLOW_SECRET_KEY: 'sixteen chars ok', SEGFLOW_DESTINATION_ALLOWLIST: '10.0.0.0/8' });
  });
});
