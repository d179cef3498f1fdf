import { Command } from 'commander';
import { afterEach, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { register } from './explain.js';

let t: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.close();
  t = undefined;
});

it('segflow explain workflow:NAME PROFILE prints the person\'s runs with each step and branch', async () => {
  t = await startTestApp({ listen: true });
  const admin = { authorization: t.adminAuth, 'content-type': 'application/json' };
  const saved = await fetch(`${t.app.url}/api/workflows`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      name: 'welcome',
      trigger: { event: 'Signed Up' },
      steps: [{ id: 'check', if: 'traits.plan = "pro"', then: [{ id: 'pro', set_trait: { tier: 'gold' } }], else: [{ id: 'later', wait: '1d' }] }],
    }),
  });
  expect(saved.status).toBeLessThan(300);
  const sent = await fetch(`${t.app.url}/v1/track`, {
    method: 'POST',
    headers: { authorization: t.writeAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u1', event: 'Signed Up', messageId: 'm1' }),
  });
  expect(sent.status).toBe(200);
  // the runtime follows the log asynchronously: wait (bounded by the test timeout) until the run exists
  let runs: unknown[] = [];
  while (runs.length === 0) {
    const res = await fetch(`${t.app.url}/api/workflows/welcome/runs?profile=u1`, { headers: admin });
    runs = res.status === 200 ? ((await res.json()) as { runs: unknown[] }).runs : [];
    if (runs.length === 0) await new Promise((r) => setImmediate(r));
  }
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'segflow', 'explain', 'workflow:welcome', 'u1', '--url', t.app.url, '--key', t.adminKey]);
  const text = out.join('');
  expect(text).toMatch(/^welcome for u1:\nrun run_\S+ \(version 1\): active at later/);
  expect(text).toMatch(/check\s+else\s+traits\.plan = "pro"/);
  expect(text).toContain('✗');
});
