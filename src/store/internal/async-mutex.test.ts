import { describe, expect, it } from 'vitest';
import { AsyncMutex } from './async-mutex.js';

describe('AsyncMutex', () => {
  it('grants the lock to waiters in the order they asked', async () => {
    const mutex = new AsyncMutex();
    const order: number[] = [];
    const first = await mutex.acquire();
    const waiting = [1, 2, 3].map(async (n) => {
      const release = await mutex.acquire();
      order.push(n);
      release();
    });
    expect(order).toEqual([]);
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect(mutex.isLocked).toBe(false);
  });

  it('ignores a second release of the same grant', async () => {
    const mutex = new AsyncMutex();
    const a = await mutex.acquire();
    const pendingB = mutex.acquire();
    a();
    const b = await pendingB;
    a();
    expect(mutex.isLocked).toBe(true);
    b();
    expect(mutex.isLocked).toBe(false);
  });
});
