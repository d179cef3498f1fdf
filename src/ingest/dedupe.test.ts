import { describe, expect, it } from 'vitest';
import { SeenMessageIds, messageIdOf } from './dedupe.js';

describe('messageIdOf', () => {
  it('uses the client messageId when present', () => {
    expect(messageIdOf({ messageId: 'm-1', userId: 'u' }, 'track')).toBe('m-1');
  });

  it('derives the same id for the same content regardless of key order and sentAt', () => {
    const a = messageIdOf({ userId: 'u', event: 'X', properties: { a: 1, b: 2 }, sentAt: '2026-01-01T00:00:00Z' }, 'track');
    const b = messageIdOf({ properties: { b: 2, a: 1 }, event: 'X', userId: 'u', sentAt: '2026-02-01T00:00:00Z' }, 'track');
    expect(a).toBe(b);
    expect(a.startsWith('sfd_')).toBe(true);
  });

  it('derives different ids for different content or call types', () => {
    const base = { userId: 'u', event: 'X' };
    expect(messageIdOf(base, 'track')).not.toBe(messageIdOf({ ...base, event: 'Y' }, 'track'));
    expect(messageIdOf(base, 'track')).not.toBe(messageIdOf(base, 'page'));
  });
});

describe('SeenMessageIds', () => {
  it('claims a messageId once per workspace', () => {
    const seen = new SeenMessageIds();
    expect(seen.claim('w1', 'm')).toBe(true);
    expect(seen.claim('w1', 'm')).toBe(false);
    expect(seen.claim('w2', 'm')).toBe(true);
  });
});

describe('messageIdOf with NUL', () => {
  it('writes NUL as U+FFFD, the way the store stores it', () => {
    expect(messageIdOf({ messageId: 'a\u0000b', userId: 'u' }, 'track')).toBe('a\ufffdb');
  });
});
