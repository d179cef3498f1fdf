import type { Clock, TimerHandle } from '../../core/index.js';

/** How a {@link ConsumerLoop} runs. */
export interface ConsumerLoopOptions {
  /** One unit of work (typically a batch of one or more {@link LogConsumer}s); true when more may follow at once. */
  readonly step: () => Promise<boolean>;
  /** Told about a failed step; the loop then waits for the next wake-up (cursors are durable, nothing is lost). */
  readonly onError: (error: unknown) => void;
  /**
   * Whether this process should do the work now (default: always). Consumers that write pass "the engine holds
   * its lease", so of several processes on one database only the active one writes; a standby keeps the durable
   * cursor where the active one left it and goes on from there when it takes over.
   */
  readonly isActive?: () => boolean;
  /** With `pollMs`: also wake every `pollMs` on this clock, for work appended by other processes. */
  readonly clock?: Clock;
  readonly pollMs?: number;
}

/**
 * Runs a consumer's step whenever it is woken, one run at a time: a wake-up during a run makes it go round once
 * more instead of starting a second run, so notifications can arrive at any rate without piling up work. Each run
 * steps until the step says nothing more is ready. Errors are reported and the loop waits for the next wake-up.
 * The one loop of every downstream consumer (workflows, experiments, live scorer, monitor).
 */
export class ConsumerLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private poll: TimerHandle | undefined;

  constructor(private readonly options: ConsumerLoopOptions) {}

  /** Starts polling (when configured) and runs once to catch up. */
  start(): void {
    this.stopped = false;
    this.schedulePoll();
    this.wake();
  }

  /** Asks for a run (now, or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops waking and polling and waits for the current run to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poll?.cancel();
    this.poll = undefined;
    await this.idle();
  }

  private schedulePoll(): void {
    const { clock, pollMs } = this.options;
    if (clock === undefined || pollMs === undefined || pollMs <= 0 || this.stopped) return;
    this.poll = clock.schedule(clock.now() + pollMs, () => {
      this.wake();
      this.schedulePoll();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (!(this.options.isActive?.() ?? true)) return;
      try {
        while (!this.stopped && (this.options.isActive?.() ?? true) && (await this.options.step()));
      } catch (error) {
        this.options.onError(error);
        return;
      }
    } while (this.again && !this.stopped);
  }
}
