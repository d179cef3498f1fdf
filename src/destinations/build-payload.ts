import type { ChangeCause, Profile } from '../core/index.js';
import type { MembershipWebhookPayload } from './destination.js';

/** The segment fields a payload names. */
export interface SegmentInfo {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

/** The body of a membership webhook. `recordedAt` becomes the message `timestamp`, so retries send identical bodies. */
export function buildPayload(input: {
  readonly kind: 'entered' | 'exited';
  readonly segment: SegmentInfo;
  readonly profileId: string;
  readonly profile: Profile | undefined;
  readonly at: number;
  readonly recordedAt: number;
  readonly cause: MembershipWebhookPayload['data']['cause'] | ChangeCause;
  /** Traits to carry (list-sync destinations map them to ESP fields); none when absent. */
  readonly traitNames?: readonly string[];
}): MembershipWebhookPayload {
  const traits: Record<string, unknown> = {};
  for (const name of input.traitNames ?? []) {
    const v = input.profile?.traits[name];
    if (v !== undefined) traits[name] = v;
  }
  const userId = input.profile?.identities.find((i) => i.kind === 'user_id')?.value;
  const traitEmail = input.profile?.traits['email'];
  const email = typeof traitEmail === 'string' && traitEmail.trim() !== '' ? traitEmail : input.profile?.identities.find((i) => i.kind === 'email')?.value;
  return {
    type: input.kind === 'entered' ? 'segment.entered' : 'segment.exited',
    timestamp: new Date(input.recordedAt).toISOString(),
    data: {
      segment: { id: input.segment.id, name: input.segment.name, version: input.segment.version },
      profile: {
        id: input.profileId,
        ...(userId === undefined ? {} : { userId }),
        ...(email === undefined ? {} : { email }),
        ...(input.traitNames === undefined ? {} : { traits }),
      },
      at: new Date(input.at).toISOString(),
      cause: input.cause,
    },
  };
}
