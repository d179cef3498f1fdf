/** One timer in the in-memory near horizon. */
export interface HeapTimer {
  readonly dueAt: number;
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly profileId: string;
}

/**
 * A binary min-heap of timers by due time: the near horizon of the durable timer table. Entries are never
 * removed in place; a popped timer that no longer matches the profile's current timer is simply skipped, and so
 * is a second copy of one already fired (its profile's timer has moved past it). Copies are rare: the schedule
 * reads each part of the horizon once, and a commit pushes only the timers it moved. So nothing is deduplicated
 * here (a key string per held timer cost ~60 bytes and a fifth of a storm's heap time).
 */
export class TimerHeap {
  private readonly items: HeapTimer[] = [];

  /** How many timers are held. */
  get size(): number {
    return this.items.length;
  }

  /** Adds a timer. */
  push(timer: HeapTimer): void {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as HeapTimer).dueAt <= timer.dueAt) break;
      items[i] = items[parent] as HeapTimer;
      i = parent;
    }
    items[i] = timer;
  }

  /** The earliest due time held, if any. */
  peekDue(): number | undefined {
    return this.items[0]?.dueAt;
  }

  /** Removes and returns the earliest timer. */
  pop(): HeapTimer | undefined {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop() as HeapTimer;
    const n = items.length;
    if (n > 0) {
      // Sift the last item down from the root: move the smaller child up while it is due before it.
      const due = last.dueAt;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let child = l;
        let childDue = (items[l] as HeapTimer).dueAt;
        if (l + 1 < n && (items[l + 1] as HeapTimer).dueAt < childDue) {
          child = l + 1;
          childDue = (items[child] as HeapTimer).dueAt;
        }
        if (childDue >= due) break;
        items[i] = items[child] as HeapTimer;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }

  /** Drops everything (after a rule-set change the durable table is re-read). */
  clear(): void {
    this.items.length = 0;
  }
}

