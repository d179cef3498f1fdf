import type { Clock, TimerHandle } from '../core/index.js';
import type { ErasureService } from './erasure-service.js';

/**
 * Moves open erasures on in the background (waiting for destinations, scrubbing), every `intervalMs` of the
 * injected clock (default 5 s). A tick is scheduled only after the previous one finished.
 */
export class ErasureWorker {
  private handle: TimerHandle | undefined;
  private started = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly service: ErasureService,
    private readonly clock: Clock,
    private readonly intervalMs = 5_000,
  ) {}

  /** Starts ticking. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule();
  }

  /** Stops ticking; resolves when the running tick is done. */
  async stop(): Promise<void> {
    this.started = false;
    this.handle?.cancel();
    await this.current;
  }

  private schedule(): void {
    if (!this.started) return;
    this.handle = this.clock.schedule(this.clock.now() + this.intervalMs, () => {
      this.current = this.service.runOpen().then(() => this.schedule());
    });
  }
}
