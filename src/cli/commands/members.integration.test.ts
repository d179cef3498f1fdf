import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer, waitForEngine } from '../../api/routes/segments-test-server.js';
import { type CliRun, runCli } from './testing-cli.js';

let server: TestServer;
const cli = (...args: string[]): Promise<CliRun> =>
  runCli(args, { env: { ...process.env, CI: '', SEGFLOW_URL: server.url, SEGFLOW_ADMIN_KEY: server.adminKey } });

beforeAll(async () => {
  server = await startTestServer();
  const auth = `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`;
  for (const [userId, email] of [['ann', 'ann@example.com'], ['bob', 'bob@example.com']] as const) {
    const res = await fetch(`${server.url}/v1/identify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ userId, traits: { email, plan: 'gold' } }),
    });
    expect(res.status).toBe(200);
  }
  await waitForEngine(server, 'traits.plan = "gold"', 2);
  const created = await fetch(`${server.url}/api/segments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
    body: JSON.stringify({ name: 'Gold', rule: 'traits.plan = "gold"' }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => server?.close());

describe('segflow members', () => {
  it('prints the members as a table with userId and email', async () => {
    const run = await cli('members', 'Gold');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/USER ID\s+EMAIL\s+SINCE\s+PROFILE/);
    expect(run.stdout).toMatch(/ann\s+ann@example\.com/);
    expect(run.stdout).toContain('2 members');
  });

  it('streams every member as CSV with --csv', async () => {
    const run = await cli('members', 'Gold', '--csv');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('profileId,userId,email,since');
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['ann', 'bob']);
  });

  it('says which segment is unknown and exits 1', async () => {
    const run = await cli('members', 'Nobody', '--csv');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SEGMENT_NOT_FOUND');
  });
});
