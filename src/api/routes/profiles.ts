/**
 * @module
 * `GET /api/profiles/{ref}`: one person as segflow knows them: traits, identities, subscription, first and last
 * seen, and their latest events, newest first, paged by `?limit=&before=<seq>`. The reference is anything the
 * shared resolver accepts: `prof_…`, `user_id:<id>`, `anonymous_id:<id>`, `email:<address>`, or a bare userId or
 * anonymousId.
 */
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { StoredEvent } from '../../core/index.js';
import { workspaceOf } from '../admin-auth.js';
import { EventSchema, ProfileSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';
import { scoreView } from './scores.js';

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

/** Registers `GET /api/profiles/{id}`. */
export async function profileRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const profiles = services.profiles;
  if (profiles === undefined) return;
  app.get(
    '/api/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'A profile with its traits, identities, subscription and latest events',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1100, description: 'prof_…, user_id:<id>, anonymous_id:<id>, email:<address>, or a bare userId / anonymousId' }) }),
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
      const found = await profiles.page(workspaceId, id, {
        limit,
        ...(before === undefined ? {} : { beforeSeq: before }),
        ...(event === undefined ? {} : { names: [event] }),
      });
      if (!found) throw apiError('PROFILE_NOT_FOUND', `No profile is known by "${id}".`, { field: 'id' });
      const { profile } = found;
      const body: Static<typeof ProfileSchema> = {
        id: profile.id,
        traits: { ...profile.traits },
        identities: profile.identities.map((i) => ({ kind: i.kind, value: i.value, firstSeenAt: iso(i.firstSeenAt) })),
        subscription: { ...profile.subscription, changedAt: isoOrNull(profile.subscription.changedAt), consent: { ...profile.subscription.consent } },
        firstSeenAt: isoOrNull(profile.firstSeenAt),
        lastSeenAt: isoOrNull(profile.lastSeenAt),
        createdAt: iso(profile.createdAt),
        updatedAt: iso(profile.updatedAt),
        segments: (services.monitor ? await services.monitor.people.segmentsOf(workspaceId, profile.id) : []).map((m) => ({
          segmentId: m.segmentId,
          name: m.name,
          since: iso(m.since),
        })),
        events: { items: found.events.map(eventView), nextBefore: found.nextBefore },
        ...(services.scores ? { scores: (await services.scores.latest(workspaceOf(request), profile.id)).map(scoreView) } : {}),
      };
      return body;
    },
  );
}
