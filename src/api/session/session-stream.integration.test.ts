import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

/** Opens the SSE stream with the given headers and resolves with the status and the first chunk of the body. */
function openStream(url: string, headers: Record<string, string>): Promise<{ status: number; type: string; first: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      res.setEncoding('utf8');
      res.once('data', (chunk: string) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), first: chunk });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the change stream with a session cookie', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true });
  });
  afterAll(async () => t.close());

  it('streams to a browser that signed in (EventSource sends only cookies) and refuses one that did not', async () => {
    const signIn = await fetch(`${t.app.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: t.adminKey }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

    const withCookie = await openStream(`${t.app.url}/api/changes/stream`, { cookie, accept: 'text/event-stream' });
    expect(withCookie.status).toBe(200);
    expect(withCookie.type).toContain('text/event-stream');
    expect(withCookie.first).toContain('segflow change stream');

    const without = await openStream(`${t.app.url}/api/changes/stream`, { accept: 'text/event-stream' });
    expect(without.status).toBe(401);
    expect(JSON.parse(without.first)).toMatchObject({ code: 'AUTH_MISSING_ADMIN_KEY' });

    const forged = await openStream(`${t.app.url}/api/changes/stream`, { cookie: 'segflow_session=forged', accept: 'text/event-stream' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.first)).toMatchObject({ code: 'AUTH_SESSION_INVALID' });
  });
});
