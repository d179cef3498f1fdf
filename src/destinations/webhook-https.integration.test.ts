import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { parseDestinationAllowlist } from './destination-allowlist.js';
import { newSigningSecret } from './signing-secret.js';
import { SsrfGuard } from './ssrf-guard.js';
import { WebhookDestination } from './webhook-destination.js';

let dir: string;
let server: Server;
let ca: string;
let origin: string;
const received: { path: string; body: string }[] = [];

/** A private CA and a server certificate it signs for 127.0.0.1, made with the openssl CLI for this run only. */
function makeCertificates(at: string): { ca: string; key: string; cert: string } {
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: at, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=segflow test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(at, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  const read = (f: string): string => readFileSync(join(at, f), 'utf8');
  return { ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segflow-tls-'));
  const certs = makeCertificates(dir);
  ca = certs.ca;
  server = createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const message = {
  id: 'msg_1_0_dst_tls',
  payload: {
    type: 'segment.entered' as const,
    timestamp: new Date(0).toISOString(),
    data: { segment: { id: 'seg_1', name: 'VIP', version: 1 }, profile: { id: 'prof_1' }, at: new Date(0).toISOString(), cause: { kind: 'timer' as const } },
  },
};

it('delivers over HTTPS to a receiver whose certificate a private CA signed, when that CA is passed in', async () => {
  const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1') });
  const hook = new WebhookDestination({ url: `${origin}/hook`, secret: newSigningSecret(), guard, clock: new FakeClock(), ca });
  const outcome = await hook.deliver(message);
  expect(outcome).toMatchObject({ ok: true, status: 204 });
  expect(received.map((r) => r.path)).toEqual(['/hook']);
  expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ type: 'segment.entered' });
});

it('refuses the same receiver without the CA, as a retryable network error that names the certificate problem', async () => {
  const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1') });
  const hook = new WebhookDestination({ url: `${origin}/hook`, secret: newSigningSecret(), guard, clock: new FakeClock() });
  const before = received.length;
  const outcome = await hook.deliver(message);
  expect(outcome).toMatchObject({ ok: false, retryable: true });
  expect(!outcome.ok && outcome.error).toMatch(/certificate/i);
  expect(received.length).toBe(before);
});
