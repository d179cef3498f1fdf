/**
 * @module
 * `GET /api/profiles/{id}`: one person as segflow knows them: traits, identities, subscription, first and last
 * seen, and their latest events, newest first, paged by `?limit=&before=<seq>`. The id may be the profile id
 * (`prof_…`), a userId, an anonymousId or `email:<address>`.
 */
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { Services } from '../../app/index.js';
import { AppError, type Profile, type StoredEvent } from '../../core/index.js';
import { normaliseEmail } from '../../ingest/index.js';
import type { ProfileRepo } from '../../store/index.js';
import { workspaceOf } from '../admin-auth.js';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

const EventSchema = Type.Object({
  seq: Type.Integer({ description: 'Position in the event log; pass as `before` for the next page.' }),
  messageId: Type.String(),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
  anonymousId: Type.Union([Type.String(), Type.Null()]),
  timestamp: Iso,
  receivedAt: Iso,
  properties: Type.Record(Type.String(), Type.Unknown()),
  traits: Type.Record(Type.String(), Type.Unknown()),
  context: Type.Record(Type.String(), Type.Unknown()),
});

const ProfileSchema = Type.Object({
  id: Type.String(),
  traits: Type.Record(Type.String(), Type.Unknown()),
  identities: Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), firstSeenAt: Iso })),
  subscription: Type.Object({
    state: Type.String({ description: 'unknown | subscribed | unsubscribed | hard_bounced | complained' }),
    changedAt: IsoOrNull,
    reason: Type.Union([Type.String(), Type.Null()]),
    consent: Type.Record(Type.String(), Type.Boolean()),
  }),
  firstSeenAt: IsoOrNull,
  lastSeenAt: IsoOrNull,
  createdAt: Iso,
  updatedAt: Iso,
  segments: Type.Array(
    Type.Object({ segmentId: Type.String(), name: Type.String(), since: Iso }),
    { description: 'The segments the person is in now, with the instant they (last) entered.' },
  ),
  events: Type.Object({
    items: Type.Array(EventSchema),
    nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Cursor of the next (older) page; null at the end.' }),
  }),
});

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function eventView(e: StoredEvent): Static<typeof EventSchema> {
  return {
    seq: e.seq,
    messageId: e.messageId,
    type: e.type,
    name: e.name,
    userId: e.userId,
    anonymousId: e.anonymousId,
    timestamp: iso(e.timestamp),
    receivedAt: iso(e.receivedAt),
    properties: { ...e.properties },
    traits: { ...e.traits },
    context: { ...e.context },
  };
}

/** Finds a profile by profile id, `email:<address>`, userId or anonymousId (in that order). */
export async function findProfile(profiles: ProfileRepo, workspaceId: string, id: string): Promise<Profile | undefined> {
  if (id.startsWith('email:')) {
    const email = normaliseEmail(id.slice('email:'.length));
    const found = email === null ? undefined : await profiles.findByIdentity(workspaceId, 'email', email);
    return found === undefined ? undefined : profiles.get(workspaceId, found);
  }
  if (id.startsWith('prof_')) {
    const direct = await profiles.get(workspaceId, id);
    if (direct) return direct;
  }
  const found =
    (await profiles.findByIdentity(workspaceId, 'user_id', id)) ?? (await profiles.findByIdentity(workspaceId, 'anonymous_id', id));
  return found === undefined ? undefined : profiles.get(workspaceId, found);
}

/** Registers `GET /api/profiles/{id}`. */
export async function profileRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/api/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'A profile with its traits, identities, subscription and latest events',
        security: [{ adminKey: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1100, description: 'prof_…, a userId, an anonymousId or email:<address>' }) }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only events with a smaller seq (the previous page’s nextBefore).' })),
          event: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only track events with this name.' })),
        }),
        response: { 200: ProfileSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { limit = 50, before, event } = request.query as { limit?: number; before?: number; event?: string };
      const workspaceId = workspaceOf(request);
      const profile = await findProfile(services.store.profiles, workspaceId, id);
      if (!profile) throw new AppError('PROFILE_NOT_FOUND', 404, `No profile is known by "${id}".`, { field: 'id' });
      const events = await services.store.events.listByProfile(workspaceId, profile.id, {
        limit: limit + 1,
        ...(before === undefined ? {} : { beforeSeq: before }),
        ...(event === undefined ? {} : { names: [event] }),
      });
      const segments = services.monitor ? await services.monitor.people.segmentsOf(workspaceId, profile.id) : [];
      const page = events.slice(0, limit);
      const body: Static<typeof ProfileSchema> = {
        id: profile.id,
        traits: { ...profile.traits },
        identities: profile.identities.map((i) => ({ kind: i.kind, value: i.value, firstSeenAt: iso(i.firstSeenAt) })),
        subscription: { ...profile.subscription, changedAt: isoOrNull(profile.subscription.changedAt), consent: { ...profile.subscription.consent } },
        firstSeenAt: isoOrNull(profile.firstSeenAt),
        lastSeenAt: isoOrNull(profile.lastSeenAt),
        createdAt: iso(profile.createdAt),
        updatedAt: iso(profile.updatedAt),
        segments: segments.map((m) => ({ segmentId: m.segmentId, name: m.name, since: iso(m.since) })),
        events: { items: page.map(eventView), nextBefore: events.length > limit ? page[page.length - 1]!.seq : null },
      };
      return body;
    },
  );
}
