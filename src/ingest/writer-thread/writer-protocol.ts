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

/** Main thread → writer thread. */
export type WriterRequest =
  | { readonly kind: 'write'; readonly id: number; readonly jobs: readonly GroupJob[]; readonly now: number }
  | { readonly kind: 'close' };

/** Writer thread → main thread. */
export type WriterReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'written'; readonly id: number; readonly result: GroupCommitResult }
  | { readonly kind: 'failed'; readonly id: number; readonly error: unknown }
  | { readonly kind: 'closed' };
