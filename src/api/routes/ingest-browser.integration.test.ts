import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

const require = createRequire(import.meta.url);
/** The UNMODIFIED standalone bundle of Segment's browser library, as published to npm. */
const standalone = readFileSync(join(require.resolve('@segment/analytics-next/package.json'), '../dist/umd/standalone.js'), 'utf8');

let t: TestApp;
let page: Server;
let browser: BrowserContext;
let profileDir: string;

/** The page a marketer's site would be: the snippet's stub with segflow as the CDN, calls queued, then the library. */
function html(segflow: string, writeKey: string): string {
  return `<!doctype html><html><head><title>shop</title>
<script>
  window.analytics = [];
  window.analytics._writeKey = ${JSON.stringify(writeKey)};
  window.analytics._cdn = ${JSON.stringify(segflow)};
  for (const m of ['page', 'track', 'identify']) window.analytics[m] = (...args) => { window.analytics.push([m, ...args]); return window.analytics; };
  analytics.page('Home');
  analytics.track('Product Viewed', { product_id: 'X' });
  analytics.identify('browser-user-42', { email: 'ann@example.com' });
  analytics.track('Order Completed', { revenue: 30 });
</script>
<script src="/standalone.js"></script>
</head><body>shop</body></html>`;
}

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  page = createServer((req, res) => {
    if (req.url === '/standalone.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(standalone);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(html(t.app.url, t.writeKey));
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  profileDir = mkdtempSync(join(tmpdir(), 'segflow-chromium-'));
  // A fresh user-data-dir per run (Playwright takes it here, not as an argument).
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => page?.close(() => resolve()));
  await t?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

it('lands page, track and identify calls of the unmodified analytics-next library on one profile, anonymous history merged', async () => {
  const tab = await browser.newPage();
  const accepted: string[] = [];
  const allDone = new Promise<void>((resolve) => {
    tab.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (/^\/v1\/[tpi]$/.test(path) && r.status() === 200) accepted.push(path);
      if (accepted.length === 4) resolve();
    });
  });
  await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
  await allDone;
  expect([...accepted].sort()).toEqual(['/v1/i', '/v1/p', '/v1/t', '/v1/t']);

  const res = await t.app.server.inject({ method: 'GET', url: '/api/profiles/browser-user-42', headers: { authorization: t.adminAuth } });
  expect(res.statusCode).toBe(200);
  const profile = res.json() as {
    traits: Record<string, unknown>;
    identities: { kind: string; value: string }[];
    events: { items: { type: string; name: string | null; anonymousId: string | null }[] };
  };
  expect(profile.traits.email).toBe('ann@example.com');
  expect(profile.identities.filter((i) => i.kind !== 'email').map((i) => i.kind).sort()).toEqual(['anonymous_id', 'user_id']);
  // The library sends its calls concurrently, so they arrive in any order.
  const names = profile.events.items.map((e) => (e.type === 'track' ? e.name : e.type)).sort();
  expect(names).toEqual(['Order Completed', 'Product Viewed', 'identify', 'page']);
  // Every call carries the browser's anonymous id; the ones before identify carried nothing else, and are merged.
  const anonymousId = profile.identities.find((i) => i.kind === 'anonymous_id')?.value;
  expect(profile.events.items.every((e) => e.anonymousId === anonymousId)).toBe(true);
});
