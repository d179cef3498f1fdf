import { expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import type { NewEvent } from '../core/index.js';
import { DataCatalog } from './data-catalog.js';

const T0 = Date.UTC(2026, 0, 1);
let n = 0;

function event(over: Partial<NewEvent>): NewEvent {
  n++;
  return {
    workspaceId: 'ws',
    messageId: `m${n}`,
    profileId: 'p1',
    type: 'track',
    name: null,
    userId: 'u1',
    anonymousId: null,
    timestamp: T0 + n,
    receivedAt: T0 + n,
    properties: {},
    traits: {},
    context: {},
    ...over,
  };
}

describeEachStore('data catalogue', (getStore) => {
  it('records event names, their property names and trait names seen in the log, once each', async () => {
    const store = getStore();
    await store.events.append([
      event({ name: 'Product Viewed', properties: { product_id: 'X', price: 9.5 } }),
      event({ name: 'Product Viewed', properties: { product_id: 'Y', category: 'shoes' } }),
      event({ type: 'identify', traits: { city: 'Paris', age: 31 } }),
      event({ name: 'Order Completed', properties: { revenue: 20 } }),
    ]);
    const catalog = new DataCatalog(store.sql, store.events, { batch: 2 });
    await catalog.catchUp();
    expect(await catalog.view('ws')).toEqual({
      events: ['Order Completed', 'Product Viewed'],
      properties: {
        'Order Completed': [{ name: 'revenue', type: 'number' }],
        'Product Viewed': [
          { name: 'category', type: 'string' },
          { name: 'price', type: 'number' },
          { name: 'product_id', type: 'string' },
        ],
      },
      traits: [
        { name: 'age', type: 'number' },
        { name: 'city', type: 'string' },
      ],
    });
    expect((await catalog.view('other')).events).toEqual([]);
  });

  it('keeps at most the configured number of names per workspace', async () => {
    const store = getStore();
    await store.events.append([event({ name: 'A', properties: { a: 1, b: 2, c: 3 } }), event({ name: 'B' })]);
    const catalog = new DataCatalog(store.sql, store.events, { maxEntriesPerWorkspace: 3 });
    await catalog.catchUp();
    const view = await catalog.view('ws');
    expect(view.events.length + Object.values(view.properties).flat().length).toBe(3);
  });
});
