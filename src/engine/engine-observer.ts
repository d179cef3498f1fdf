import type { BackfillProgress } from './backfill/backfill-runner.js';
import type { EngineRole } from './engine.js';

/**
 * What the engine reports as it works, for metrics (`monitor/engine-metrics.ts` turns it into Prometheus
 * histograms). Called after each commit, outside the transaction; it must not throw or block.
 */
export interface EngineObserver {
  /** An event batch committed: when each of its events was accepted, when the batch started and committed. */
  batchCommitted(receivedAts: readonly number[], startedAt: number, committedAt: number): void;
  /** Timers fired and committed: the instant each was due. */
  timersFired(dueAts: readonly number[], committedAt: number): void;
}

/**
 * One unit of engine work this process may own: today the engine's cursor and its lease (one per database);
 * partitions extend the list with one entry each.
 */
export interface OwnedWork {
  readonly kind: 'cursor';
  readonly name: string;
  /** Whether this process holds it now. */
  readonly held: boolean;
  /** The fencing epoch it holds it with (undefined when not held, or without a lease). */
  readonly epoch: number | undefined;
}

/** A snapshot of the engine's own figures, kept up to date by the engine itself (no query at scrape time). */
export interface EngineStats {
  readonly role: EngineRole;
  /** The log position whose effects are committed. */
  readonly position: number;
  /** How old (acceptance to now, in ms) the oldest event not yet evaluated was when last read; 0 when caught up. */
  readonly lagMs: number;
  /** Timers held in memory (those due within the horizon). */
  readonly timersInMemory: number;
  /** The earliest due instant among them, if any. */
  readonly nextDue: number | undefined;
  readonly backfills: readonly BackfillProgress[];
  readonly ownership: readonly OwnedWork[];
}
