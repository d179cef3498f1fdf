import type { NewEvent } from '../../core/index.js';

/** A valid `track` event for contract tests; override any field. */
export function makeEvent(overrides: Partial<NewEvent> & Pick<NewEvent, 'messageId'>): NewEvent {
  return {
    workspaceId: 'ws_default',
    profileId: 'prof_a',
    type: 'track',
    name: 'Product Viewed',
    userId: 'user-a',
    anonymousId: null,
    timestamp: Date.UTC(2026, 0, 1),
    receivedAt: Date.UTC(2026, 0, 1),
    properties: { product_id: 'X', price: 12.5, tags: ['a', 'b'], nested: { deep: true } },
    traits: {},
    context: { ip: '127.0.0.1' },
    ...overrides,
  };
}
