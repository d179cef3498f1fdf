/** The part of `Map` the engine's profile entries use; both `Map` and {@link SmallMap} have it. */
export interface MapLike<K, V> extends Iterable<[K, V]> {
  readonly size: number;
  get(key: K): V | undefined;
  has(key: K): boolean;
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
}

/**
 * A map for a handful of entries, in one flat array `[key, value, key, value, …]` allocated on the first set:
 * an empty one is a 32-byte object where an empty `Map` is ~190 bytes, and a few entries cost a third of a
 * `Map`'s hash table. Lookups are linear, which for the ≤ 20 entries it holds (a profile's memberships and
 * timers, its kept event names) is as fast as hashing. Insertion order is kept; deleting moves the last entry
 * into the hole, so iteration order after a delete is not insertion order.
 */
export class SmallMap<K, V> implements MapLike<K, V> {
  private items: unknown[] | undefined;

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  /** How many entries are held. */
  get size(): number {
    return this.items === undefined ? 0 : this.items.length >> 1;
  }

  /** The value of `key`, if any. */
  get(key: K): V | undefined {
    const items = this.items;
    if (items === undefined) return undefined;
    for (let i = 0; i < items.length; i += 2) if (items[i] === key) return items[i + 1] as V;
    return undefined;
  }

  /** Whether `key` is held. */
  has(key: K): boolean {
    const items = this.items;
    if (items === undefined) return false;
    for (let i = 0; i < items.length; i += 2) if (items[i] === key) return true;
    return false;
  }

  /** Sets the value of `key`. */
  set(key: K, value: V): this {
    const items = this.items;
    if (items === undefined) {
      this.items = [key, value];
      return this;
    }
    for (let i = 0; i < items.length; i += 2) {
      if (items[i] === key) {
        items[i + 1] = value;
        return this;
      }
    }
    // A copy of the exact size: `push` would grow the array by ~16 spare slots, more than the entries.
    this.items = items.concat([key, value]);
    return this;
  }

  /** Removes `key`; returns whether it was held. */
  delete(key: K): boolean {
    const items = this.items;
    if (items === undefined) return false;
    for (let i = 0; i < items.length; i += 2) {
      if (items[i] !== key) continue;
      const last = items.length - 2;
      items[i] = items[last];
      items[i + 1] = items[last + 1];
      this.items = last === 0 ? undefined : items.slice(0, last);
      return true;
    }
    return false;
  }

  /** Removes every entry. */
  clear(): void {
    this.items = undefined;
  }

  /** The keys. */
  *keys(): IterableIterator<K> {
    const items = this.items ?? [];
    for (let i = 0; i < items.length; i += 2) yield items[i] as K;
  }

  /** The entries, as `[key, value]` pairs. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    const items = this.items ?? [];
    for (let i = 0; i < items.length; i += 2) yield [items[i] as K, items[i + 1] as V];
  }
}
