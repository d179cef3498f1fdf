/**
 * @module
 * `GET /api/segments/{id}/versions`: every saved version of a segment's rule, newest first (the rule-change
 * audit trail the web app diffs).
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../services.js';
import { workspaceOf } from '../admin-auth.js';
import { apiError } from '../error-catalogue.js';

/** Registers `GET /api/segments/{id}/versions`. */
export async function segmentVersionRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { segments, monitor } = services;
  if (!segments || !monitor) return;
  const { versions } = monitor;
  app.get(
    '/api/segments/:id/versions',
    {
      schema: {
        tags: ['segments'],
        summary: 'Every saved version of a segment\'s rule, newest first',
        params: Type.Object({ id: Type.String({ minLength: 1 }) }),
        response: {
          200: Type.Object({
            versions: Type.Array(Type.Object({ version: Type.Integer(), name: Type.String(), rule: Type.String(), savedAt: Type.String({ format: 'date-time' }) })),
          }),
        },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const { id } = request.params as { id: string };
      const found = await segments.get(ws, id);
      if (!found) throw apiError('SEGMENT_NOT_FOUND', `No segment has the id or name "${id}".`);
      const list = await versions.versionsOf(ws, found.id);
      return { versions: list.map((v) => ({ version: v.version, name: v.name, rule: v.ruleText, savedAt: new Date(v.savedAt).toISOString() })) };
    },
  );
}
