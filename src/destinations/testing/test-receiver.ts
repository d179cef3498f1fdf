import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request. `hang` never answers (the client's timeout has to fire). */
export type ReceiverReply =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | { readonly kind: 'hang' };

/** A request the receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` when the body was complete (for latency measurements in benchmarks). */
  readonly receivedAt: number;
}

/**
 * A real HTTP server on 127.0.0.1 for tests and benchmarks: answers each request with the next scripted
 * reply (then with `fallback`, 200 by default) and records what it received.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: ReceiverReply[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private readonly hanging: ServerResponse[] = [];
  /** Called for every request (after recording it), e.g. to measure latency. */
  onRequest: ((request: ReceivedRequest) => void) | undefined;
  /** Decides the reply from the request itself; when it returns undefined the script and fallback apply. */
  respond: ((request: ReceivedRequest) => ReceiverReply | undefined) | undefined;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>` */
    readonly origin: string,
    public fallback: ReceiverReply = { kind: 'status', status: 200, body: 'ok' },
  ) {}

  /** Starts a receiver on an ephemeral loopback port. */
  static async start(): Promise<TestReceiver> {
    const holder: { self?: TestReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => holder.self?.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new TestReceiver(server, `http://127.0.0.1:${port}`);
    return holder.self;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: ReceiverReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Resolves once `count` requests in all have been received. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Stops listening and drops open connections (hanging requests included). */
  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const request: ReceivedRequest = { method, path, headers, body, receivedAt: performance.now() };
    this.requests.push(request);
    this.onRequest?.(request);
    const reply = this.respond?.(request) ?? this.script.shift() ?? this.fallback;
    if (reply.kind === 'hang') {
      this.hanging.push(res);
    } else {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && this.requests.length >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
