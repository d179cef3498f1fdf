import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../../app/index.js';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { register as registerAudit } from './audit.js';
import { register } from './keys.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ listen: true, env: { SEGFLOW_METRICS_TOKEN: 'prometheus-scrape-token-42' } });
});
afterAll(async () => {
  await t?.close();
});

async function cli(key: string, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command('segflow').exitOverride();
  register(program);
  registerAudit(program);
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'segflow', ...args, '--url', t.app.url, '--key', key]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, err, code };
}

const get = (url: string, authorization?: string) => t.app.server.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

describe('workspaces and keys', () => {
  it('creates a key shown once, lists it by prefix only, and revokes it so the very next request is refused', async () => {
    const created = await cli(t.adminKey, 'keys', 'create', '--kind', 'admin', '--name', 'ci deploy');
    expect(created.code).toBe(0);
    const secret = /\n {2}(sfa_\S+)\n/.exec(created.out)?.[1];
    const id = /admin key (key_\S+):/.exec(created.out)?.[1];
    expect(secret).toBeDefined();
    expect((await get('/api/segments', `Bearer ${secret}`)).statusCode).toBe(200);
    const listed = await cli(t.adminKey, 'keys', 'list');
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('ci deploy');
    expect(listed.out).not.toContain(secret);
    const revoked = await cli(t.adminKey, 'keys', 'revoke', id!);
    expect(revoked).toMatchObject({ code: 0, out: expect.stringContaining(`Revoked admin key ${id}`) });
    expect((await get('/api/segments', `Bearer ${secret}`)).json()).toMatchObject({ status: 401, code: 'AUTH_INVALID_ADMIN_KEY' });
    expect((await cli(t.adminKey, 'keys', 'list')).out).toMatch(new RegExp(`${id}.*revoked`));
  });

  it('refuses a key revoked by another process on the next request, with no time passing', async () => {
    // A second app on the same database file stands for another process with its own key cache.
    const storage = t.app.store.dialect === 'sqlite' ? { kind: 'sqlite' as const, file: t.dbFile! } : undefined;
    const other: RunningApp = await startApp({ port: 0, host: '127.0.0.1', storage: storage!, logLevel: 'silent' }, { logger: pino({ level: 'silent' }), listen: false });
    try {
      const made = (await t.app.server.inject({ method: 'POST', url: '/api/keys', headers: { authorization: t.adminAuth }, payload: { kind: 'write' } })).json<{ key: { id: string }; secret: string }>();
      const track = (app: RunningApp) =>
        app.server.inject({ method: 'POST', url: '/v1/track', headers: { authorization: `Basic ${Buffer.from(`${made.secret}:`).toString('base64')}` }, payload: { userId: 'u', event: 'E' } });
      expect((await track(t.app)).statusCode).toBe(200);
      expect((await track(other)).statusCode).toBe(200);
      const revoked = await other.server.inject({ method: 'DELETE', url: `/api/keys/${made.key.id}`, headers: { authorization: t.adminAuth } });
      expect(revoked.statusCode).toBe(200);
      expect((await track(t.app)).statusCode).toBe(401);
      expect((await track(other)).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('ends the web app sessions opened with a revoked key, and names the key of a session in the audit log', async () => {
    const made = (await t.app.server.inject({ method: 'POST', url: '/api/keys', headers: { authorization: t.adminAuth }, payload: { kind: 'admin' } })).json<{ key: { id: string }; secret: string }>();
    const signIn = await t.app.server.inject({ method: 'POST', url: '/api/session', payload: { key: made.secret } });
    expect(signIn.statusCode).toBe(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const csrf = signIn.json<{ csrfToken: string }>().csrfToken;
    const viaSession = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.server.inject({ method, url, headers: { cookie, 'x-segflow-csrf': csrf }, ...(payload ? { payload } : {}) });
    expect((await viaSession('POST', '/api/segments/dry-run', { name: 'by-session', rule: 'traits.a = 1' })).statusCode).toBe(200);
    const rows = (await get('/api/audit?route=/api/segments/dry-run&limit=1000', t.adminAuth)).json<{ entries: { actor: string }[] }>().entries;
    expect(rows.at(-1)!.actor).toBe(`session:${made.key.id}`);
    await t.app.server.inject({ method: 'DELETE', url: `/api/keys/${made.key.id}`, headers: { authorization: t.adminAuth } });
    expect((await viaSession('GET', '/api/segments')).json()).toMatchObject({ status: 401, code: 'AUTH_SESSION_INVALID' });
  });

  it('refuses to revoke the last admin key, and another workspace\'s key is never found', async () => {
    const keys = (await get('/api/keys', t.adminAuth)).json<{ keys: { id: string; kind: string; revokedAt?: string }[] }>().keys;
    const lastAdmin = keys.find((k) => k.kind === 'admin' && k.revokedAt === undefined)!;
    expect((await t.app.server.inject({ method: 'DELETE', url: `/api/keys/${lastAdmin.id}`, headers: { authorization: t.adminAuth } })).json()).toMatchObject({
      status: 409,
      code: 'KEY_LAST_ADMIN',
    });
    const tenant = await cli(t.adminKey, 'workspaces', 'create', 'Tenant');
    const tenantAdmin = /admin key: (sfa_\S+)/.exec(tenant.out)![1]!;
    const res = await t.app.server.inject({ method: 'DELETE', url: `/api/keys/${lastAdmin.id}`, headers: { authorization: `Bearer ${tenantAdmin}` } });
    expect(res.json()).toMatchObject({ status: 404, code: 'KEY_NOT_FOUND' });
    expect((await cli(tenantAdmin, 'workspaces', 'create', 'Nested')).err).toContain('WORKSPACE_FORBIDDEN');
    const seen = await cli(tenantAdmin, 'workspaces', 'list');
    expect(seen.out).toContain('Tenant');
    expect(seen.out).not.toContain('Default');
    expect((await cli(t.adminKey, 'workspaces', 'list')).out).toContain('Default');
  });

  it('serves /metrics to the scrape token and the operator only', async () => {
    expect((await get('/metrics')).statusCode).toBe(401);
    expect((await get('/metrics', 'Bearer not-the-token')).statusCode).toBe(401);
    expect((await get('/metrics', 'Bearer prometheus-scrape-token-42')).body).toContain('segflow_http_request_duration_seconds');
    expect((await get('/metrics', t.adminAuth)).statusCode).toBe(200);
    const tenant = (await t.app.server.inject({ method: 'POST', url: '/api/workspaces', headers: { authorization: t.adminAuth }, payload: { name: 'Metrics tenant' } })).json<{
      adminKey: string;
    }>();
    expect((await get('/metrics', `Bearer ${tenant.adminKey}`)).json()).toMatchObject({ status: 403, code: 'METRICS_FORBIDDEN' });
  });

  it('verifies the audit chain of the database from the command line', async () => {
    const program = new Command('segflow').exitOverride();
    registerAudit(program);
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
    try {
      await program.parseAsync(['node', 'segflow', 'audit', 'verify', '--db', t.dbFile!]);
    } finally {
      o.mockRestore();
    }
    expect(out).toMatch(/^audit log intact: \d+ rows, last hash [0-9a-f]{64}\n$/);
    expect(Number(process.exitCode ?? 0)).toBe(0);
    const listed = await cli(t.adminKey, 'audit', 'list', '--route', '/api/keys');
    expect(listed.out).toContain('DELETE /api/keys/:id');
  });

  it('exits 1 and names the row when someone edited the audit log in the database (run last: it breaks the chain)', async () => {
    await t.app.store.sql.script('DROP TRIGGER audit_log_no_update');
    await t.app.store.sql.execute(`UPDATE audit_log SET status = 204 WHERE seq = 2`);
    const program = new Command('segflow').exitOverride();
    registerAudit(program);
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
    try {
      await program.parseAsync(['node', 'segflow', 'audit', 'verify', '--db', t.dbFile!]);
    } finally {
      o.mockRestore();
    }
    expect(out).toBe('audit log BROKEN at row 2: its content does not match its hash (the row was edited) (rows intact before it: 1)\n');
    expect(Number(process.exitCode)).toBe(1);
    process.exitCode = undefined;
  });
});
