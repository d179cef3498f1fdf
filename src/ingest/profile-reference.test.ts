import { describe, expect, it } from 'vitest';
import type { IdentityKind, Profile } from '../core/index.js';
import { parseProfileReference, resolveProfileReference, type ProfileLookup } from './profile-reference.js';

describe('parseProfileReference', () => {
  it('reads Segment-style prefixes and leaves anything else bare', () => {
    expect(parseProfileReference('user_id:ada')).toEqual({ kind: 'identity', identity: 'user_id', value: 'ada' });
    expect(parseProfileReference('anonymous_id:a-1')).toEqual({ kind: 'identity', identity: 'anonymous_id', value: 'a-1' });
    expect(parseProfileReference('email: Ada@Example.COM ')).toEqual({ kind: 'identity', identity: 'email', value: 'ada@example.com' });
    expect(parseProfileReference('profile_id:prof_1')).toEqual({ kind: 'profile_id', value: 'prof_1' });
    expect(parseProfileReference('ada')).toEqual({ kind: 'bare', value: 'ada' });
    expect(parseProfileReference('user_id:')).toEqual({ kind: 'identity', identity: 'user_id', value: '' });
  });
});

describe('resolveProfileReference', () => {
  // prof_1 is Ada (userId ada, email ada@example.com); prof_2 is an anonymous visitor whose anonymousId is "ada".
  const identities = new Map<string, string>([
    ['user_id|ada', 'prof_1'],
    ['email|ada@example.com', 'prof_1'],
    ['anonymous_id|ada', 'prof_2'],
    ['anonymous_id|v-9', 'prof_2'],
  ]);
  const lookup: ProfileLookup = {
    get: async (_ws, id) => (id === 'prof_1' || id === 'prof_2' ? ({ id } as Profile) : undefined),
    findByIdentity: async (_ws, kind: IdentityKind, value) => identities.get(`${kind}|${value}`),
  };
  const resolve = (ref: string) => resolveProfileReference(lookup, 'ws', ref);

  it('resolves each prefixed form to the identity it names', async () => {
    expect(await resolve('user_id:ada')).toBe('prof_1');
    expect(await resolve('anonymous_id:ada')).toBe('prof_2');
    expect(await resolve('email:ADA@example.com')).toBe('prof_1');
    expect(await resolve('profile_id:prof_2')).toBe('prof_2');
  });

  it('tries a bare reference as a profile id, then a userId, then an anonymousId', async () => {
    expect(await resolve('prof_2')).toBe('prof_2');
    expect(await resolve('ada')).toBe('prof_1');
    expect(await resolve('v-9')).toBe('prof_2');
  });

  it('finds nothing for unknown or empty references', async () => {
    expect(await resolve('user_id:nobody')).toBeUndefined();
    expect(await resolve('user_id:')).toBeUndefined();
    expect(await resolve('profile_id:prof_9')).toBeUndefined();
    expect(await resolve('nobody')).toBeUndefined();
  });
});
