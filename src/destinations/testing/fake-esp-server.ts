import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenApiValidator, type MatchedOperation } from './openapi-validator.js';

/** A request a fake ESP received, with what its definition found wrong with it. */
export interface FakeEspRequest {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: unknown;
  readonly operationId: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly violations: readonly string[];
}

/** An answer of a fake ESP. Status 0 never answers (the client's timeout, or a kill, has to end it). */
export interface FakeEspReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A fault to inject into the next matching request(s) instead of the documented answer. */
export interface FakeEspFault {
  /** Only requests of this operation (default: any). */
  readonly operationId?: string;
  readonly reply: FakeEspReply;
  /** How many requests it hits (default 1). */
  readonly times?: number;
}

/**
 * A local HTTP server that plays one ESP for tests and benchmarks: each request is validated against the
 * provider's official OpenAPI definition (violations are recorded; `assertValid()` fails a test on any), its
 * credentials are checked, and a valid request is answered by the subclass's model of the provider, as its
 * documentation says. Faults (429 with `Retry-After`, 5xx, 4xx) can be injected per operation, and an optional
 * rate limit answers 429 once more than `rateLimit.perSecond` requests arrive within a second (of the clock
 * given, `performance.now()` by default).
 */
export abstract class FakeEspServer {
  readonly requests: FakeEspRequest[] = [];
  private readonly faults: { operationId?: string; reply: FakeEspReply; left: number }[] = [];
  private server: Server | undefined;
  /** `http://127.0.0.1:<port>` once started. */
  origin = '';
  /** When set, more than `perSecond` requests in a one-second window are answered 429 with `Retry-After: 1`. */
  rateLimit: { perSecond: number } | undefined;
  private window = { start: 0, count: 0 };
  private waiters: { count: number; resolve: () => void }[] = [];

  protected constructor(readonly validator: OpenApiValidator) {}

  /** The answer of the provider's model to a valid request. */
  protected abstract handle(request: FakeEspRequest, op: MatchedOperation): FakeEspReply;

  /** Whether the request carries the credentials the provider expects. */
  protected abstract authorized(headers: IncomingHttpHeaders): boolean;

  /** The provider's error document for a status and message. */
  protected abstract error(status: number, message: string): unknown;

  /** Starts listening on an ephemeral loopback port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.receive(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Injects a fault for the next matching request(s). */
  fail(fault: FakeEspFault): this {
    this.faults.push({ ...(fault.operationId ? { operationId: fault.operationId } : {}), reply: fault.reply, left: fault.times ?? 1 });
    return this;
  }

  /** Every definition violation seen so far, with the request it was in. */
  get violations(): string[] {
    return this.requests.flatMap((r) => r.violations.map((v) => `${r.method} ${r.url}: ${v}`));
  }

  /** Throws when any request so far broke the definition. */
  assertValid(): void {
    const v = this.violations;
    if (v.length > 0) throw new Error(`requests that break the official definition:\n${v.join('\n')}`);
  }

  /** Requests of one operation. */
  calls(operationId: string): FakeEspRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Resolves once `count` requests in all have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private receive(method: string, url: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const parsed = new URL(url, 'http://fake.invalid');
    const op = this.validator.match(method, parsed.pathname);
    let json: unknown;
    try {
      json = body === '' ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const request: FakeEspRequest = {
      method,
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers,
      body,
      json,
      operationId: op?.operationId,
      params: op?.params ?? {},
      violations: this.validator.validate({ method, url, headers, body }),
    };
    this.requests.push(request);
    const reply = this.replyTo(request, op);
    if (reply.status === 0) {
      this.notify();
      return;
    }
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { 'content-type': reply.status >= 400 ? 'application/problem+json' : 'application/json' }),
      ...reply.headers,
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    this.notify();
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && this.requests.length >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private replyTo(request: FakeEspRequest, op: MatchedOperation | undefined): FakeEspReply {
    if (!op) return { status: 404, body: this.error(404, `no such endpoint: ${request.method} ${request.path}`) };
    if (!this.authorized(request.headers)) return { status: 401, body: this.error(401, 'authentication required') };
    if (this.rateLimit) {
      const now = performance.now();
      if (now - this.window.start >= 1000) this.window = { start: now, count: 0 };
      if (++this.window.count > this.rateLimit.perSecond) {
        return { status: 429, headers: { 'retry-after': '1' }, body: this.error(429, 'too many requests') };
      }
    }
    const i = this.faults.findIndex((f) => f.operationId === undefined || f.operationId === op.operationId);
    const fault = i >= 0 ? this.faults[i] : undefined;
    if (fault) {
      if (--fault.left <= 0) this.faults.splice(i, 1);
      return fault.reply;
    }
    if (request.violations.length > 0) return { status: 400, body: this.error(400, request.violations.join('; ')) };
    return this.handle(request, op);
  }
}

/** A simple, valid-looking email check (the fakes reject what the providers would reject as invalid). */
export function looksLikeEmail(email: unknown): email is string {
  return typeof email === 'string' && /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(email);
}
