/** One timer in the in-memory near horizon. */
export interface HeapTimer {
  readonly dueAt: number;
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly profileId: string;
}

/**
 * A binary min-heap of timers by due time: the near horizon of the durable timer table. Entries are never
 * removed in place; a popped timer that no longer matches the profile's current timer is simply skipped.
 */
export class TimerHeap {
  private readonly items: HeapTimer[] = [];
  private readonly keys = new Set<string>();

  /** How many timers are held. */
  get size(): number {
    return this.items.length;
  }

  /** Adds a timer unless the same (segment, profile, due) is already held. */
  push(timer: HeapTimer): void {
    const key = keyOf(timer);
    if (this.keys.has(key)) return;
    this.keys.add(key);
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
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        const cur = () => (smallest === i ? last : (items[smallest] as HeapTimer));
        if (l < items.length && (items[l] as HeapTimer).dueAt < cur().dueAt) smallest = l;
        if (r < items.length && (items[r] as HeapTimer).dueAt < cur().dueAt) smallest = r;
        if (smallest === i) break;
        items[i] = items[smallest] as HeapTimer;
        i = smallest;
      }
      items[i] = last;
    }
    this.keys.delete(keyOf(top));
    return top;
  }

  /** Drops everything (after a rule-set change the durable table is re-read). */
  clear(): void {
    this.items.length = 0;
    this.keys.clear();
  }
}

function keyOf(t: HeapTimer): string {
  return `${t.segmentId}\u0000${t.profileId}\u0000${t.dueAt}`;
}
