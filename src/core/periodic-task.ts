import type { Clock, TimerHandle } from './clock.js';

/**
 * Runs `run` every `intervalMs` of an injected {@link Clock}: the one background ticker of segflow's periodic
 * housekeeping (erasure steps, event retention, alert evaluation, the tracking plan's counter flush). Log
 * consumers, which are woken by new work rather than by time, use the store's `ConsumerLoop` instead.
 *
 * - **No overlap.** Runs are strictly one after the other: the next tick is scheduled `intervalMs` after the
 *   previous run *finished* (fixed delay, not fixed rate), and {@link runNow} queues behind a run in progress. A
 *   run slower than its interval therefore stretches the period instead of piling runs up — the price is that
 *   the ticks drift by the runs' durations, which none of the users cares about (they ask "every hour or so").
 * - **Failures are values for the operator, not for the process.** A scheduled run that throws or rejects is
 *   handed to `onError` (the caller logs it) and the ticker goes on: the next run retries. Before this class
 *   the erasure worker stopped ticking for good after one failed read.
 * - **Time is injected.** With a `FakeClock`, `advance(intervalMs)` starts a run and `await drain()` waits for
 *   it (and for the next tick to be armed); nothing sleeps.
 *
 * The first scheduled run is one interval after {@link start}, as every user wants (at start the work is either
 * done by the caller already or not due yet).
 */
export class PeriodicTask<T = void> {
  private timer: TimerHandle | undefined;
  private started = false;
  /** A scheduled run is queued or in progress (it re-arms the timer when it ends). */
  private ticking = false;
  private pending = 0;
  /** The end of the queue of runs; never rejects. */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * @param clock the clock the ticks are scheduled on
   * @param intervalMs the delay between the end of a run and the start of the next scheduled one (> 0)
   * @param run one unit of work; its result is returned by {@link runNow}
   * @param onError told about each failed scheduled run (a failed {@link runNow} rejects to its caller instead)
   */
  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly run: () => Promise<T> | T,
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`PeriodicTask: intervalMs must be a positive number, got ${intervalMs}`);
  }

  /** Whether the ticker is started. */
  get isStarted(): boolean {
    return this.started;
  }

  /** Whether a run is queued or in progress. */
  get isRunning(): boolean {
    return this.pending > 0;
  }

  /** Starts ticking: the first run is `intervalMs` from now. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.arm();
  }

  /** Stops ticking and resolves once no run is queued or in progress. A later {@link start} resumes. */
  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    await this.drain();
  }

  /**
   * Resolves once no run is queued or in progress (the ticker keeps going). After a scheduled run, the next tick
   * is armed by the time this resolves.
   */
  async drain(): Promise<void> {
    // A run may be queued behind the one awaited here (a tick firing during a runNow): wait for those too.
    while (this.pending > 0) await this.tail;
  }

  /**
   * Runs now, after any run in progress; resolves with its result or rejects with its error (not reported to
   * `onError`: the caller has it). Does not move the schedule.
   */
  runNow(): Promise<T> {
    return this.enqueue(async () => this.run());
  }

  private enqueue<R>(work: () => Promise<R>): Promise<R> {
    // Idle: start at once, so the run reads the clock at the instant it was asked for (a fake clock may be
    // advanced again before the next microtask). Busy: queue behind the runs in progress.
    const started = this.pending === 0 ? new Promise<R>((resolve) => resolve(work())) : this.tail.then(work);
    this.pending++;
    const done = started.finally(() => {
      this.pending--;
    });
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  private arm(): void {
    if (!this.started || this.ticking || this.timer !== undefined) return;
    this.timer = this.clock.schedule(this.clock.now() + this.intervalMs, () => this.tick());
  }

  private tick(): void {
    this.timer = undefined;
    this.ticking = true;
    void this.enqueue(async () => {
      try {
        await this.run();
      } catch (error) {
        this.report(error);
      } finally {
        this.ticking = false;
        this.arm();
      }
    });
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A throwing error hook must not stop the ticker; there is nowhere left to report it.
    }
  }
}
