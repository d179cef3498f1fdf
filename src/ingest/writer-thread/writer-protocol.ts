import type { SqliteSynchronous } from '../../store/index.js';
import type { GroupCommitResult } from '../commit-group.js';
import type { GroupJob } from '../group-job.js';

/** What the writer thread is started with. */
export interface WriterWorkerData {
  /** The SQLite file (already migrated by the main thread's store). */
  readonly file: string;
  readonly synchronous: SqliteSynchronous;
  /** The module the bootstrap imports (the worker's code), when it is TypeScript run through tsx. */
  readonly entry?: string;
}

/**
 * An error as it crosses the thread boundary. The structured clone keeps the message of built-in errors only: a
 * better-sqlite3 `SqliteError` arrives with an empty message and without its `code`, so both travel as fields.
 */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** The wire form of whatever a group commit threw. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(error.stack ? { stack: error.stack } : {}) };
}

/** The error the caller of the group sees: the thread's error, rebuilt with its name, message, code and stack. */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: string };
  error.name = wire.name;
  if (wire.code !== undefined) error.code = wire.code;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

/** Main thread → writer thread. */
export type WriterRequest =
  | { readonly kind: 'write'; readonly id: number; readonly jobs: readonly GroupJob[]; readonly now: number }
  | { readonly kind: 'close' };

/** Writer thread → main thread. */
export type WriterReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'written'; readonly id: number; readonly result: GroupCommitResult }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError }
  | { readonly kind: 'closed' };
