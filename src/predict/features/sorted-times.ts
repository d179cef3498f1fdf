/**
 * An ascending list of instants with optional values, kept sorted under insertion (appending in order is
 * O(1); a late event is inserted by binary search), with counts and sums over half-open windows (a, b].
 */
export class SortedTimes {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  /** Inserts an instant (after any equal ones, so ties keep arrival order). */
  add(time: number, value = 0): void {
    let i = this.times.length;
    if (i > 0 && (this.times[i - 1] as number) > time) i = this.upperBound(time);
    if (i === this.times.length) {
      this.times.push(time);
      this.values.push(value);
    } else {
      this.times.splice(i, 0, time);
      this.values.splice(i, 0, value);
    }
  }

  /** Index of the first instant greater than t. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many instants are ≤ t. */
  countUpTo(t: number): number {
    return this.upperBound(t);
  }

  /** How many instants lie in (from, to]. */
  countIn(from: number, to: number): number {
    return Math.max(0, this.upperBound(to) - this.upperBound(from));
  }

  /** The instants ≤ t with their values, oldest first. */
  upTo(t: number): { times: number[]; values: number[] } {
    const n = this.upperBound(t);
    return { times: this.times.slice(0, n), values: this.values.slice(0, n) };
  }

  /** The first instant, or undefined when empty. */
  first(): number | undefined {
    return this.times[0];
  }

  /** The latest instant ≤ t, or undefined. */
  lastUpTo(t: number): number | undefined {
    const n = this.upperBound(t);
    return n === 0 ? undefined : this.times[n - 1];
  }
}
