import { PeriodicTask, type Clock } from '../core/index.js';
import type { ErasureService } from './erasure-service.js';

/**
 * Moves open erasures on in the background (waiting for destinations, scrubbing), every `intervalMs` of the
 * injected clock (default 5 s), one pass at a time. A failed pass is reported to `onError` and retried at the
 * next tick.
 */
export class ErasureWorker {
  private readonly task: PeriodicTask;

  constructor(service: ErasureService, clock: Clock, onError: (error: unknown) => void, intervalMs = 5_000) {
    this.task = new PeriodicTask(clock, intervalMs, () => service.runOpen(), onError);
  }

  /** Starts ticking. */
  start(): void {
    this.task.start();
  }

  /** Stops ticking; resolves when the running pass is done. */
  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** Resolves when no pass is running (tests on a fake clock). */
  drain(): Promise<void> {
    return this.task.drain();
  }
}
