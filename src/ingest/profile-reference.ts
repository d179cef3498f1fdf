import type { IdentityKind } from '../core/index.js';
import type { ProfileRepo } from '../store/index.js';
import { normaliseEmail } from './resolve-identity.js';

/**
 * How a caller names a person. Segment-style prefixed references (`user_id:ada`, `anonymous_id:a-1`,
 * `email:ada@example.com`, `profile_id:prof_…`) say which identity they mean; a bare value is tried as a profile
 * id, then a userId, then an anonymousId.
 */
export type ProfileReference =
  | { readonly kind: 'identity'; readonly identity: IdentityKind; readonly value: string }
  | { readonly kind: 'profile_id'; readonly value: string }
  | { readonly kind: 'bare'; readonly value: string };

const PREFIXES: ReadonlyArray<readonly [string, IdentityKind | 'profile_id']> = [
  ['user_id:', 'user_id'],
  ['anonymous_id:', 'anonymous_id'],
  ['email:', 'email'],
  ['profile_id:', 'profile_id'],
];

/** Reads a profile reference (never fails: anything without a known prefix is a bare value). */
export function parseProfileReference(ref: string): ProfileReference {
  for (const [prefix, kind] of PREFIXES) {
    if (!ref.startsWith(prefix)) continue;
    const rest = ref.slice(prefix.length);
    if (kind === 'profile_id') return { kind: 'profile_id', value: rest };
    return { kind: 'identity', identity: kind, value: kind === 'email' ? (normaliseEmail(rest) ?? rest.trim().toLowerCase()) : rest };
  }
  return { kind: 'bare', value: ref };
}

/** The two profile reads the resolver needs (a narrow slice of the store's `ProfileRepo`). */
export type ProfileLookup = Pick<ProfileRepo, 'get' | 'findByIdentity'>;

/**
 * The profile a reference names, following merges (identities point at the surviving profile), or undefined.
 * The one resolver every surface uses: `GET /api/profiles/{ref}`, explain (`/api/segments/{s}/explain/{ref}`,
 * `segflow explain`), so a reference that works in one place works in all.
 */
export async function resolveProfileReference(profiles: ProfileLookup, workspaceId: string, ref: string): Promise<string | undefined> {
  const parsed = parseProfileReference(ref);
  switch (parsed.kind) {
    case 'identity':
      return parsed.value === '' ? undefined : profiles.findByIdentity(workspaceId, parsed.identity, parsed.value);
    case 'profile_id':
      return (await profiles.get(workspaceId, parsed.value))?.id;
    case 'bare': {
      const direct = await profiles.get(workspaceId, parsed.value);
      if (direct !== undefined) return direct.id;
      return (
        (await profiles.findByIdentity(workspaceId, 'user_id', parsed.value)) ??
        (await profiles.findByIdentity(workspaceId, 'anonymous_id', parsed.value))
      );
    }
  }
}
