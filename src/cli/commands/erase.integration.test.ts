import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../api/routes/segments-test-server.js';
import { type CliRun, runCli } from './testing-cli.js';

let server: TestServer;
const cli = (...args: string[]): Promise<CliRun> =>
  runCli(args, { env: { ...process.env, CI: '', SEGFLOW_URL: server.url, SEGFLOW_ADMIN_KEY: server.adminKey } });

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/v1/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ userId: 'ann', traits: { email: 'ann@example.com' } }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => server?.close());

describe('segflow erase', () => {
  it('erases a person by email, lists the references nobody is known by, and shows the progress with --status', async () => {
    const run = await cli('erase', 'email:ann@example.com', 'user_id:ghost', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { erasure: { id: string; status: string; kind: string }; notFound: string[] };
    expect(body).toMatchObject({ erasure: { kind: 'SUPPRESS_WITH_DELETE', status: 'completed' }, notFound: ['user_id:ghost'] });
    const status = await cli('erase', '--status', body.erasure.id);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`erasure ${body.erasure.id}  SUPPRESS_WITH_DELETE  completed`);
  });

  it('exits 1 with PROFILE_NOT_FOUND for someone nobody knows, and 2 on a bad kind', async () => {
    const unknown = await cli('erase', 'user_id:nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('PROFILE_NOT_FOUND');
    const bad = await cli('erase', 'ann', '--kind', 'FORGET');
    expect(bad.code).toBe(2);
  });
});
