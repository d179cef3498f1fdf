/**
 * The profile merges one group commit made, so that its later steps can re-point what earlier messages
 * produced: a message late in the group may merge away the profile an earlier message's event points at.
 */
export class MergeLog {
  private readonly into = new Map<string, string>();

  /** Records that `from` was merged into `into`. */
  record(from: string, into: string): void {
    this.into.set(from, into);
  }

  /** True when no merge was recorded (the common case: events need no re-pointing). */
  get empty(): boolean {
    return this.into.size === 0;
  }

  /** The profile `id` ends up as after every recorded merge (itself when it was not merged). */
  survivor(id: string): string {
    let current = id;
    // Chains (a → b, then b → c) are followed; a cycle cannot form, since a merged-away profile is never a target.
    for (let next = this.into.get(current); next !== undefined; next = this.into.get(current)) current = next;
    return current;
  }
}
