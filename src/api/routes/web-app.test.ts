import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../error-handler.js';
import { WEB_CSP, webAppRoutes } from './web-app.js';

describe('the web app route', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'segflow-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>segflow app</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    app = Fastify();
    installErrorHandler(app);
    app.get('/api/segments', async () => ({ segments: [] }));
    await webAppRoutes(app, { root: dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a same-origin content security policy and no caching', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('segflow app');
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers index.html for a deep link so the client router can open it', async () => {
    const res = await app.inject({ url: '/segments/VIP%20buyers?tab=members', headers: { accept: 'text/html,*/*' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect((await app.inject({ url: '/segments/VIP', headers: { accept: 'application/json' } })).statusCode).toBe(404);
  });

  it('serves hashed assets as immutable', async () => {
    const res = await app.inject('/assets/index-abc.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('leaves unknown API paths and missing assets to the problem+json not-found handler', async () => {
    for (const url of ['/api/nope', '/v1/nope', '/assets/missing.js']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    expect((await app.inject('/api/segments')).json()).toEqual({ segments: [] });
  });

  it('explains how to build the app when the bundle is missing', async () => {
    const bare = Fastify();
    await webAppRoutes(bare, { root: join(dir, 'nowhere') });
    const res = await bare.inject('/');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});
