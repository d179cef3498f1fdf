/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
import Fastify from 'fastify';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeLog } from '../../membership/index.js';
import { DEFAULT_WORKSPACE_ID } from '../../store/index.js';
import { changeRoutes } from './changes.js';
import { type TestServer, eventually, startTestServer, waitForEngine } from './segments-test-server.js';

let server: TestServer;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.adminKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

async function track(userId: string, event: string): Promise<void> {
  const res = await fetch(`${server.url}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ userId, event, timestamp: new Date().toISOString() }),
  });
  expect(res.status).toBe(200);
}

interface SseEvent {
  id?: string;
  data?: string;
  comment?: string;
}

/** A real HTTP client reading `text/event-stream`, parsed into events as they arrive. */
class SseReader {
  readonly events: SseEvent[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) event.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('data: ')) event.data = (event.data === undefined ? '' : `${event.data}\n`) + line.slice(6);
        }
        this.events.push(event);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(path: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminKey}`, accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new SseReader(res)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** Changes received so far (events with data). */
  get changes(): { id: string; change: any }[] {
    return this.events.filter((e) => e.data !== undefined).map((e) => ({ id: e.id ?? '', change: JSON.parse(e.data ?? '{}') }));
  }

  /** Resolves once `predicate` holds over the received changes (the test's own timeout bounds the wait). */
  async until(predicate: (changes: { id: string; change: any }[]) => boolean): Promise<{ id: string; change: any }[]> {
    while (!predicate(this.changes)) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.changes;
  }

  /** Resolves once the server has sent its opening comment, i.e. the stream is subscribed. */
  async opened(): Promise<void> {
    while (this.events.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.response.destroy();
  }
}

beforeAll(async () => {
  server = await startTestServer();
  await track('u1', 'Email Opened');
  await track('u2', 'Email Opened');
  await waitForEngine(server, 'performed("Email Opened", within 7d)', 2);
  expect((await api('POST', '/api/segments', { name: 'Openers', rule: 'performed("Email Opened", within 7d)' })).status).toBe(201);
  expect((await api('POST', '/api/segments', { name: 'Clickers', rule: 'performed("Email Clicked", within 7d)' })).status).toBe(201);
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/changes', () => {
  it('returns the backfill as entered changes in seq order, with a cursor to continue from', async () => {
    const res = await api('GET', '/api/changes?after=0&limit=100');
    expect(res.status).toBe(200);
    const openers = res.json.changes.filter((c: { segmentName?: string }) => c.segmentName === 'Openers');
    expect(openers).toHaveLength(2);
    expect(openers.every((c: { kind: string; cause: { kind: string } }) => c.kind === 'entered' && c.cause.kind === 'backfill')).toBe(true);
    const seqs = res.json.changes.map((c: { seq: number }) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    expect(res.json.next).toBe(seqs.at(-1));
  });

  it('pages one change at a time without skipping or repeating any', async () => {
    const all = (await api('GET', '/api/changes?after=0&limit=1000')).json.changes.map((c: { seq: number }) => c.seq);
    const paged: number[] = [];
    let after = 0;
    for (;;) {
      const page = await api('GET', `/api/changes?after=${after}&limit=1`);
      paged.push(...page.json.changes.map((c: { seq: number }) => c.seq));
      if (page.json.changes.length === 0) break;
      after = page.json.next;
    }
    expect(paged).toEqual(all);
  });

  it('filters by segment name', async () => {
    await track('u3', 'Email Clicked');
    const res = await eventually(async () => {
      const r = await api('GET', '/api/changes?after=0&segment=Clickers');
      if (r.json.changes.length === 0) throw new Error('not yet');
      return r;
    });
    expect(res.json.changes.map((c: { segmentName: string; kind: string }) => [c.segmentName, c.kind])).toEqual([['Clickers', 'entered']]);
    expect(res.json.changes[0].cause).toMatchObject({ kind: 'event' });
  });

  it('answers 404 for an unknown segment filter and 400 for a bad cursor', async () => {
    expect((await api('GET', '/api/changes?segment=nope')).json.code).toBe('SEGMENT_NOT_FOUND');
    expect((await api('GET', '/api/changes?after=minus-one')).status).toBe(400);
  });
});

describe('GET /api/changes/stream', () => {
  it('sends the backlog after the cursor, then live changes, each with its seq as the event id', async () => {
    const backlog = (await api('GET', '/api/changes?after=0&limit=1000')).json.changes;
    const stream = await SseReader.open('/api/changes/stream?after=0');
    try {
      expect(stream.response.headers['content-type']).toContain('text/event-stream');
      await stream.until((c) => c.length >= backlog.length);
      expect(stream.changes.map((c) => Number(c.id))).toEqual(backlog.map((c: { seq: number }) => c.seq));
      expect(stream.changes.every((c) => String(c.change.seq) === c.id)).toBe(true);

      await track('u4', 'Email Opened');
      const isLive = (x: { change: any }): boolean => x.change.seq > backlog.at(-1).seq;
      const got = await stream.until((c) => c.some(isLive));
      expect(got.filter(isLive)[0]?.change).toMatchObject({ segmentName: 'Openers', kind: 'entered', cause: { kind: 'event' } });
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID, as a reconnecting EventSource does', async () => {
    const all = (await api('GET', '/api/changes?after=0&limit=1000')).json.changes;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const resumeAfter = all[1].seq;
    const stream = await SseReader.open('/api/changes/stream?after=0', { 'last-event-id': String(resumeAfter) });
    try {
      const got = await stream.until((c) => c.length >= all.length - 2);
      expect(got.map((c) => c.change.seq)).toEqual(all.slice(2).map((c: { seq: number }) => c.seq));
    } finally {
      stream.close();
    }
  });

  it('starts at the end of the log without a cursor and streams only one segment when asked', async () => {
    const stream = await SseReader.open('/api/changes/stream?segment=Clickers');
    try {
      // The opening comment proves the stream is subscribed before the events are sent.
      await stream.opened();
      await track('u5', 'Email Opened');
      await track('u5', 'Email Clicked');
      const got = await stream.until((c) => c.length >= 1);
      expect(got.map((c) => [c.change.segmentName, c.change.kind])).toEqual([['Clickers', 'entered']]);
    } finally {
      stream.close();
    }
  });

  it('keeps serving after clients disconnect mid-stream', async () => {
    for (let i = 0; i < 5; i++) (await SseReader.open('/api/changes/stream?after=0')).close();
    await track('u6', 'Email Opened');
    const openers = await eventually(async () => {
      const r = await api('GET', '/api/changes?after=0&segment=Openers&limit=1000');
      // u1, u2 (backfill), u4, u5 and now u6 (events).
      if (r.json.changes.length < 5) throw new Error('not yet');
      return r.json.changes;
    });
    expect(openers.filter((c: { kind: string }) => c.kind === 'entered')).toHaveLength(5);
  });
});

/** Mounts the change routes over the app's real change log (optionally wrapped) on a separate local server. */
async function mountChanges(options: { heartbeatMs?: number; wrap?: (log: ChangeLog) => ChangeLog } = {}): Promise<{ port: number; close: () => Promise<void> }> {
  const { segments, changes } = server.services;
  if (!segments || !changes) throw new Error('the app has no segment service');
  const app = Fastify();
  await app.register(changeRoutes, {
    segments,
    changes: options.wrap ? options.wrap(changes) : changes,
    workspaceOf: () => DEFAULT_WORKSPACE_ID,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { port: address !== null && typeof address === 'object' ? address.port : 0, close: () => app.close() };
}

describe('stream clean-up', () => {
  it('unsubscribes from the change log when the client disconnects', async () => {
    let subscribed = 0;
    // The real change log, counting live subscriptions.
    const mounted = await mountChanges({
      wrap: (log) => ({
        read: (after, limit, ws) => log.read(after, limit, ws),
        head: () => log.head(),
        onAppended: (listener) => {
          subscribed++;
          const off = log.onAppended(listener);
          return () => {
            subscribed--;
            off();
          };
        },
      }),
    });
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(`http://127.0.0.1:${mounted.port}/api/changes/stream`, (r) => resolve(r));
        req.on('error', reject);
        req.end();
      });
      await new Promise<void>((resolve) => res.once('data', () => resolve()));
      expect(subscribed).toBe(1);
      res.destroy();
      await eventually(async () => {
        if (subscribed !== 0) throw new Error('still subscribed');
      });
      expect(subscribed).toBe(0);
    } finally {
      await mounted.close();
    }
  });
});

describe('stream heartbeats', () => {
  it('sends a comment line on idle streams at the configured interval', async () => {
    // The same plugin over the app's real change log, with a short heartbeat instead of the default 15 s.
    const mounted = await mountChanges({ heartbeatMs: 50 });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`http://127.0.0.1:${mounted.port}/api/changes/stream`, (r) => resolve(r));
      req.on('error', reject);
      req.end();
    });
    try {
      res.setEncoding('utf8');
      let text = '';
      await new Promise<void>((resolve) => {
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes(': heartbeat\n\n')) resolve();
        });
      });
      expect(text).not.toContain('data:');
    } finally {
      res.destroy();
      await mounted.close();
    }
  });
});
