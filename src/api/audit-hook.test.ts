import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../monitor/index.js';
import { auditDetail, installAuditLog } from './audit-hook.js';
import { installErrorHandler } from './error-handler.js';

async function appWith(record: (entry: AuditEntry) => Promise<void>) {
  const app = Fastify();
  installErrorHandler(app);
  app.decorateRequest('workspaceId', '');
  app.decorateRequest('actor', '');
  installAuditLog(app, { record, list: async () => [] }, () => 42);
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization === 'ok') {
      request.workspaceId = 'ws';
      request.actor = 'key:k';
    }
  });
  app.get('/api/things/:ref', async () => ({ read: true }));
  app.put('/api/things/:ref', async (request) => {
    auditDetail(request, { changed: 'yes' });
    return { ok: true };
  });
  app.post('/v1/things', async () => ({ ingested: true }));
  await app.ready();
  return app;
}

describe('the audit hook', () => {
  it('records authenticated admin mutations only, with profile references digested and the route detail', async () => {
    const rows: AuditEntry[] = [];
    const app = await appWith(async (e) => void rows.push(e));
    await app.inject({ method: 'GET', url: '/api/things/email:a@b.c', headers: { authorization: 'ok' } });
    await app.inject({ method: 'POST', url: '/v1/things', headers: { authorization: 'ok' }, payload: {} });
    await app.inject({ method: 'PUT', url: '/api/things/email:a@b.c', payload: { password: 'x' } });
    expect(rows).toEqual([]);
    await app.inject({ method: 'PUT', url: '/api/things/email:a@b.c', headers: { authorization: 'ok' }, payload: { password: 'x' } });
    expect(rows).toEqual([
      {
        workspaceId: 'ws',
        at: 42,
        actor: 'key:k',
        method: 'PUT',
        route: '/api/things/:ref',
        params: { ref: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
        status: 200,
        bodyDigest: expect.stringMatching(/^sha256:/),
        detail: { changed: 'yes' },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('a@b.c');
  });

  it('answers 500 when the row cannot be written, without looping on the error answer', async () => {
    let attempts = 0;
    const app = await appWith(async () => {
      attempts++;
      throw new Error('database down');
    });
    const res = await app.inject({ method: 'PUT', url: '/api/things/x', headers: { authorization: 'ok' }, payload: {} });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(attempts).toBe(2);
  });
});
