import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsGetter } from './certificate-source.js';

let server: Server;
let origin: string;
let ca: string;

beforeAll(async () => {
  // A local HTTPS server with a certificate made on the spot: nothing leaves the machine.
  const dir = mkdtempSync(join(tmpdir(), 'segflow-https-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    server = createServer({ key, cert: ca }, (req, res) => {
      if (req.url === '/cert.pem') res.end('-----BEGIN CERTIFICATE-----');
      else if (req.url === '/big') res.end('x'.repeat(10_000));
      else if (req.url === '/redirect') res.writeHead(302, { location: '/cert.pem' }).end();
      else res.writeHead(404).end();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('httpsGetter', () => {
  it('returns the body of a successful HTTPS GET', async () => {
    expect(await httpsGetter({ ca })(`${origin}/cert.pem`)).toBe('-----BEGIN CERTIFICATE-----');
  });

  it('refuses bodies over the size cap, error statuses and redirects', async () => {
    const get = httpsGetter({ ca, maxBytes: 1024 });
    await expect(get(`${origin}/big`)).rejects.toThrow('larger than 1024 bytes');
    await expect(get(`${origin}/missing`)).rejects.toThrow('answered 404');
    await expect(get(`${origin}/redirect`)).rejects.toThrow('answered 302');
  });

  it('refuses a server whose certificate is not trusted, and any URL that is not https', async () => {
    await expect(httpsGetter()(`${origin}/cert.pem`)).rejects.toThrow();
    await expect(httpsGetter({ ca })(`http://127.0.0.1:1/cert.pem`)).rejects.toThrow('only https');
  });
});
