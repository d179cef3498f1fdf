import type { Clock, TimerHandle } from '../../core/index.js';
import type { TimerWrite } from '../evaluate-profile.js';
import type { HeapTimer } from './timer-heap.js';
import { TimerHeap } from './timer-heap.js';
import type { TimerRepoSql } from './timer-repo-sql.js';

/** Timers read per horizon load at most; past it the horizon ends at the last one read. */
const HORIZON_LIMIT = 1_000_000;

/**
 * The engine's timer scheduling: an in-memory heap holding the durable timers due within a near horizon (read
 * from the timer table when half of it has passed), and the one clock handle that wakes the engine at the
 * earliest of them. Timers armed beyond the horizon stay in the table until a later load reaches them.
 */
export class TimerSchedule {
  private readonly heap = new TimerHeap();
  private horizonUntil = -Infinity;
  private handle: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly horizonMs: number,
    /** The partition whose timers this schedule holds (the engine of one partition), or all of them. */
    private readonly partition?: number,
  ) {}

  /**
   * Reads the timers due within the horizon into the heap when half of the loaded horizon has passed: only those
   * due after the part already loaded, since every timer this engine writes within the loaded horizon reaches the
   * heap through {@link committed} (and a rule change or a lost lease clears the heap and the horizon).
   */
  async refill(now: number, timers: TimerRepoSql): Promise<void> {
    if (now + this.horizonMs / 2 <= this.horizonUntil) return;
    const until = now + this.horizonMs;
    const rows = await timers.dueBy(until, HORIZON_LIMIT, this.partition, this.horizonUntil);
    for (const row of rows) this.heap.push(row);
    this.horizonUntil = rows.length === HORIZON_LIMIT ? (rows.at(-1) as HeapTimer).dueAt - 1 : until;
  }

  /** How many timers are held in memory. */
  get size(): number {
    return this.heap.size;
  }

  /** The earliest held due instant, if any. */
  nextDue(): number | undefined {
    return this.heap.peekDue();
  }

  /** Removes and returns up to `max` held timers due at or before `now`, in due order. */
  takeDue(now: number, max: number): HeapTimer[] {
    const batch: HeapTimer[] = [];
    while (batch.length < max) {
      const due = this.heap.peekDue();
      if (due === undefined || due > now) break;
      const timer = this.heap.pop();
      if (timer === undefined) break;
      batch.push(timer);
    }
    return batch;
  }

  /** Holds the timers just committed that fall within the loaded horizon (the rest are read when it reaches them). */
  committed(timers: readonly TimerWrite[]): void {
    for (const t of timers) {
      if (t.dueAt !== undefined && t.dueAt <= this.horizonUntil) {
        this.heap.push({ dueAt: t.dueAt, workspaceId: t.workspaceId, segmentId: t.segmentId, profileId: t.profileId });
      }
    }
  }

  /** Schedules `wake` at the earliest held timer, or when the loaded horizon runs out (replacing the last one). */
  arm(wake: () => void): void {
    this.cancel();
    const next = Math.min(this.heap.peekDue() ?? Infinity, this.horizonUntil - this.horizonMs / 2);
    if (!Number.isFinite(next)) return;
    this.handle = this.clock.schedule(next, wake);
  }

  /** Cancels the scheduled wake. */
  cancel(): void {
    this.handle?.cancel();
    this.handle = undefined;
  }

  /** Forgets every held timer; the next {@link refill} reads the horizon again. */
  clear(): void {
    this.heap.clear();
    this.horizonUntil = -Infinity;
  }
}
