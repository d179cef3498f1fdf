/**
 * Runs a cursor-following step whenever it is woken, one run at a time: a wake-up during a run makes it go
 * round once more instead of starting a second run, so notifications can arrive at any rate without piling
 * up work. `step` processes one batch and says whether more may follow (then it runs again at once). Errors
 * are reported and the follower waits for the next wake-up; its cursor is durable, so nothing is lost.
 */
export class Follower {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly step: () => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
  ) {}

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

  /** Stops waking and waits for the current run to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.step()));
      } catch (error) {
        this.onError(error);
        return;
      }
    } while (this.again && !this.stopped);
  }
}
