/** A scheduled callback that can be cancelled. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The only source of time for the engine, timers and workflows. Production uses {@link systemClock};
 * tests use {@link FakeClock} and advance it, so nothing ever sleeps.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once the clock reaches `at` (immediately-ish if `at` is already past). */
  schedule(at: number, fn: () => void): TimerHandle;
}

/** Wall-clock time and real timers. Long delays are chained because `setTimeout` caps at ~24.8 days. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(at, fn) {
    const MAX = 2_000_000_000;
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (cancelled) return;
      const delay = at - Date.now();
      if (delay > MAX) {
        handle = setTimeout(arm, MAX);
      } else {
        handle = setTimeout(fn, Math.max(0, delay));
      }
      handle.unref?.();
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle) clearTimeout(handle);
      },
    };
  },
};

/**
 * Lets the event loop run (I/O callbacks: HTTP requests, ingestion's commits) before going on. Not a timer: it
 * waits for no instant, so a fake clock needs nothing to advance; work that chains promise after promise (the
 * engine's background backfill slices) calls it between two pieces so that it never monopolises the thread.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A manually advanced clock for deterministic tests. */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { at, fn });
    return { cancel: () => void this.pending.delete(id) };
  }

  /** Moves time forward by `ms`, running every callback that falls due, in time order, at its own instant. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `target`, running due callbacks in time order (ties in scheduling order). */
  advanceTo(target: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.pending.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = Math.max(this.current, target);
  }

  /** How many callbacks are waiting. */
  get pendingCount(): number {
    return this.pending.size;
  }
}
