/**
 * @module
 * `GET /api/profiles?q=…`: people search by profile id, userId, anonymousId or email (exact, then prefix), by
 * a trait (`city=Paris`), or any trait value containing the text. Each hit carries userId, email,
 * anonymousId, what matched and when the person was last seen.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../services.js';
import { workspaceOf } from '../admin-auth.js';

const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);

/** A search hit as the API returns it. */
export const PersonHitSchema = Type.Object({
  profileId: Type.String(),
  userId: Nullable(Type.String()),
  email: Nullable(Type.String()),
  anonymousId: Nullable(Type.String()),
  matchedBy: Type.String({ description: 'id, user_id, anonymous_id, email (or "<kind> prefix"), or trait' }),
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
});

/** Registers `GET /api/profiles`. */
export async function peopleRoutes(app: FastifyInstance, services: Services): Promise<void> {
  if (!services.monitor) return;
  const { people } = services.monitor;
  app.get(
    '/api/profiles',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Search people by id, userId, anonymousId, email or trait (key=value, or any trait value containing the text)',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 500 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ people: Type.Array(PersonHitSchema) }) },
      },
    },
    async (request) => {
      const { q, limit = 50 } = request.query as { q: string; limit?: number };
      const hits = await people.search(workspaceOf(request), q, limit);
      return { people: hits.map((h) => ({ ...h, lastSeenAt: h.lastSeenAt === null ? null : new Date(h.lastSeenAt).toISOString() })) };
    },
  );
}
