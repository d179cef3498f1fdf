import { describe, expect, it } from 'vitest';
import { normaliseTimestamp } from './normalise.js';

const receivedAt = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;

describe('normaliseTimestamp', () => {
  it('uses receivedAt when the message has no date', () => {
    expect(normaliseTimestamp({ timestamp: null, originalTimestamp: null, sentAt: null }, receivedAt)).toEqual({ timestamp: receivedAt });
  });

  it('corrects a client clock that runs an hour fast using sentAt', () => {
    const clientNow = receivedAt + HOUR;
    const result = normaliseTimestamp({ timestamp: clientNow - 5_000, originalTimestamp: null, sentAt: clientNow }, receivedAt);
    expect(result).toEqual({ timestamp: receivedAt - 5_000 });
  });

  it('prefers originalTimestamp over timestamp as the client time', () => {
    const result = normaliseTimestamp({ timestamp: 0, originalTimestamp: receivedAt - 10_000, sentAt: receivedAt }, receivedAt);
    expect(result.timestamp).toBe(receivedAt - 10_000);
  });

  it('keeps a historical timestamp as given when there is no sentAt', () => {
    const old = Date.UTC(2011, 0, 1);
    expect(normaliseTimestamp({ timestamp: old, originalTimestamp: null, sentAt: null }, receivedAt)).toEqual({ timestamp: old });
  });

  it('keeps an event 23 hours ahead but clamps one 25 hours ahead to receivedAt', () => {
    const near = receivedAt + 23 * HOUR;
    const far = receivedAt + 25 * HOUR;
    expect(normaliseTimestamp({ timestamp: near, originalTimestamp: null, sentAt: null }, receivedAt)).toEqual({ timestamp: near });
    expect(normaliseTimestamp({ timestamp: far, originalTimestamp: null, sentAt: null }, receivedAt)).toEqual({ timestamp: receivedAt, clampedFrom: far });
  });
});
