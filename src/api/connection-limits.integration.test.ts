import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { buildServer } from './build-server.js';

// Real sockets against a listening server with small configured limits. Nothing here asserts a duration: each
// test waits for the server to close the socket (the event it promises) and then checks what was received.
let t: TestApp;
let server: FastifyInstance;
let port: number;
beforeAll(async () => {
  t = await startTestApp();
  server = await buildServer(
    { ...t.app.services, metrics: new Registry() },
    { connections: { requestTimeoutMs: 400, headersTimeoutMs: 200, keepAliveTimeoutMs: 30_000, maxConnections: 3 } },
  );
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

interface Client {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server (or the network) closed the socket. */
  readonly closed: Promise<void>;
}

async function open(): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

/** Writes `text` one byte per timer tick until the socket closes or the text runs out; returns bytes written. */
function trickle(socket: Socket, text: string): () => number {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= text.length) return clearInterval(timer);
    socket.write(text[sent]!);
    sent++;
  }, 5);
  socket.once('close', () => clearInterval(timer));
  return () => sent;
}

async function responseOn(client: Client, request: string): Promise<string> {
  const before = client.received().length;
  client.socket.write(request);
  while (!/\r\n\r\n/.test(client.received().slice(before))) await new Promise((r) => client.socket.once('data', r));
  return client.received().slice(before);
}

const GET_HEALTH = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';

describe('hostile connections', () => {
  it('cuts off a client that trickles its body, with a 408, long before the body is complete', async () => {
    const client = await open();
    const body = JSON.stringify({ userId: 'slow', event: 'E', properties: { pad: 'x'.repeat(4000) } });
    client.socket.write(`POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.writeAuth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    const sent = trickle(client.socket, body);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent()).toBeLessThan(body.length);
  });

  it('cuts off a client that trickles its headers', async () => {
    const client = await open();
    const headers = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'y'.repeat(4000)}\r\n\r\n`;
    const sent = trickle(client.socket, headers);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent()).toBeLessThan(headers.length);
  });

  it('refuses connections beyond the limit and keeps serving the ones it holds', async () => {
    const held = [await open(), await open(), await open()];
    for (const client of held) expect(await responseOn(client, GET_HEALTH)).toMatch(/^HTTP\/1\.1 200 /);
    const extra = await open();
    extra.socket.write(GET_HEALTH);
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(await responseOn(held[0]!, GET_HEALTH)).toMatch(/^HTTP\/1\.1 200 /);
    for (const client of held) client.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
  });
});
