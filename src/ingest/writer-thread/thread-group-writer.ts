import { Worker } from 'node:worker_threads';
import type { SqliteSynchronous } from '../../store/index.js';
import type { GroupCommitResult } from '../commit-group.js';
import type { GroupJob } from '../group-job.js';
import type { GroupWriter } from '../group-writer.js';
import { fromWireError, type WriterReply, type WriterRequest, type WriterWorkerData } from './writer-protocol.js';

/** How a {@link ThreadGroupWriter} reaches its database and shares its write lock. */
export interface ThreadGroupWriterOptions {
  /** The SQLite file, already migrated. */
  readonly file: string;
  readonly synchronous: SqliteSynchronous;
  /**
   * Runs `fn` while the main thread's own connection to the file writes nothing (`SqlExecutor.exclusive` of the
   * main store): each group is committed inside it.
   */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * The worker module (default: `writer-worker`, the real one). Another module speaking the same
   * `writer-protocol` can stand in, e.g. to test how the writer survives a thread that dies.
   */
  readonly worker?: URL;
}

interface Waiting {
  readonly resolve: (result: GroupCommitResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * How to start a worker module: its compiled JavaScript directly, or, for TypeScript sources, the tsx bootstrap
 * with the module's URL in `entry`.
 */
function workerEntry(module: URL | undefined): { url: URL; entry?: string } {
  const fromSources = import.meta.url.endsWith('.ts');
  const worker = module ?? new URL(fromSources ? './writer-worker.ts' : './writer-worker.js', import.meta.url);
  if (!worker.pathname.endsWith('.ts')) return { url: worker };
  return { url: new URL('./writer-bootstrap.mjs', import.meta.url), entry: worker.href };
}

/**
 * A {@link GroupWriter} that commits on a worker thread with its own better-sqlite3 connection, so that
 * SQLite's work (the statements and the COMMIT, about half of a server's CPU at full ingestion load, see
 * docs/performance.md) runs on the second core while the HTTP thread parses, validates and answers.
 *
 * Durability is unchanged: `write` resolves when the worker replies, and the worker replies after its COMMIT
 * returned, so an acknowledged event is in the database exactly as with the in-thread writer.
 *
 * Why the write lock is handed over instead of shared: two connections of one process on one file would meet
 * at SQLite's file lock, and better-sqlite3 waits for a busy lock by sleeping the calling thread — the HTTP
 * thread, for up to `busy_timeout`. So each group runs inside the main store's `exclusive` section: the main
 * thread's writes (the engine's commits, admin changes) queue on its async mutex as they would behind an
 * in-thread group, and neither connection ever waits on the other's lock. Reads are unaffected (WAL).
 *
 * A worker that dies fails the groups in flight (their clients get a 500 and retry; messageIds make the retry
 * safe, whether or not the lost group had committed) and is started again for the next group.
 */
export class ThreadGroupWriter implements GroupWriter {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private closed = false;

  private constructor(private readonly options: ThreadGroupWriterOptions) {}

  /** Starts the writer thread and resolves once it has opened the database. */
  static async start(options: ThreadGroupWriterOptions): Promise<ThreadGroupWriter> {
    const writer = new ThreadGroupWriter(options);
    await writer.spawn();
    return writer;
  }

  write(jobs: readonly GroupJob[], now: number): Promise<GroupCommitResult> {
    if (this.closed) return Promise.reject(new Error('the ingestion writer thread is closed'));
    // Only what the writer reads crosses the thread boundary: `meta.fieldOf` is a function (validation's, already done).
    const wire: GroupJob[] = jobs.map(({ workspaceId, meta, prepared }) => {
      const { fieldOf: _fieldOf, ...plain } = meta;
      return { workspaceId, meta: plain, prepared };
    });
    return this.options.exclusive(async () => {
      await this.spawn();
      const id = this.nextId++;
      const result = new Promise<GroupCommitResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      this.post({ kind: 'write', id, jobs: wire, now });
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage({ kind: 'close' } satisfies WriterRequest);
    });
  }

  private post(request: WriterRequest): void {
    this.worker!.postMessage(request);
  }

  private spawn(): Promise<void> {
    if (this.ready) return this.ready;
    const { url, entry } = workerEntry(this.options.worker);
    const data: WriterWorkerData = { file: this.options.file, synchronous: this.options.synchronous, ...(entry ? { entry } : {}) };
    const worker = new Worker(url, { workerData: data });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const failed = (error: unknown): void => {
        this.forget(worker, error);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      worker.on('message', (reply: WriterReply) => {
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'written') this.settle(reply.id)?.resolve(reply.result);
        else if (reply.kind === 'failed') this.settle(reply.id)?.reject(fromWireError(reply.error));
      });
      worker.on('error', failed);
      worker.on('exit', (code) => failed(new Error(`the ingestion writer thread exited (code ${code})`)));
    });
    return this.ready;
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    return waiting;
  }

  /** Fails every group in flight on a worker that is gone, so that the next group starts a new one. */
  private forget(worker: Worker, error: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      waiting.reject(error);
    }
  }
}
