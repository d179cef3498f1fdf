/**
 * A first-come, first-served lock for async code. SQLite has a single writer, so the SQLite executor queues
 * transactions here instead of letting them interleave on the one connection.
 */
export class AsyncMutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];

  /** Resolves with a release function once the caller holds the lock. Release exactly once. */
  acquire(): Promise<() => void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      this.waiters.push(() => resolve(this.releaser()));
    });
  }

  /** True while someone holds the lock. */
  get isLocked(): boolean {
    return this.locked;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // Hand the lock straight to the next waiter so nobody can barge in between.
      if (next) next();
      else this.locked = false;
    };
  }
}
