/**
 * @module
 * The tracking plan on the admin API: `GET /api/tracking-plan` (the plan), `PUT` / `DELETE
 * /api/tracking-plan/events/{event}` (one track event's JSON Schema and mode), `PUT` / `DELETE
 * /api/tracking-plan/identify` (the identify traits schema), `PUT /api/tracking-plan/unplanned` (the mode for
 * events the plan does not name), `GET /api/tracking-plan/violations` (counters per event, kind and field with
 * samples), `GET /api/tracking-plan/quarantine` (blocked messages) and `POST
 * /api/tracking-plan/quarantine/replay` (ingest them again under the current plan). A schema that is not valid
 * JSON Schema is 422 `TRACKING_PLAN_SCHEMA_INVALID` with `field` pointing into it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PlanSchema, PlanSchemaKind, TrackingPlanService, ViolationCount } from '../../tracking-plan/index.js';
import { workspaceOf } from '../admin-auth.js';
import { problemSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const tags = ['tracking plan'];
const Mode = Type.Union([Type.Literal('allow'), Type.Literal('flag'), Type.Literal('block')]);
const EventParam = Type.Object({ event: Type.String({ minLength: 1, maxLength: 200, description: 'The track event name.' }) });
const SchemaBody = Type.Object(
  {
    mode: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('flag'), Type.Literal('block')], { default: 'flag' })),
    schema: Type.Unknown({ description: 'A JSON Schema (draft-07) for the event\'s `properties` (identify: `traits`).' }),
  },
  { additionalProperties: false },
);
const iso = (ms: number): string => new Date(ms).toISOString();

const schemaView = (s: PlanSchema) => ({ kind: s.kind, event: s.event, mode: s.mode, schema: s.schema, updatedAt: iso(s.updatedAt) });
const violationView = (v: ViolationCount) => ({
  messageType: v.messageType,
  event: v.event,
  kind: v.kind,
  field: v.field,
  count: v.count,
  firstSeen: iso(v.firstSeen),
  lastSeen: iso(v.lastSeen),
  samples: v.samples.map((s) => ({ ...s, at: iso(s.at) })),
});

/** Options of {@link trackingPlanRoutes}. */
export interface TrackingPlanRoutesOptions {
  readonly trackingPlan: TrackingPlanService;
}

/** Registers the tracking-plan routes. */
export const trackingPlanRoutes: FastifyPluginAsyncTypebox<TrackingPlanRoutesOptions> = async (app, { trackingPlan }) => {
  app.get('/api/tracking-plan', { schema: { tags, summary: 'The workspace\'s tracking plan' } }, async (request) => {
    const plan = await trackingPlan.plan(workspaceOf(request));
    return { unplanned: plan.unplanned, version: plan.version, schemas: plan.schemas.map(schemaView) };
  });

  const put = async (ws: string, kind: PlanSchemaKind, event: string, body: { mode?: 'allow' | 'flag' | 'block'; schema?: unknown }) => {
    if (body.schema === undefined) throw apiError('VALIDATION_FAILED', 'schema is required.', { field: 'schema' });
    const saved = await trackingPlan.putSchema(ws, kind, event, { mode: body.mode ?? 'flag', schema: body.schema });
    if (!saved.ok) {
      throw apiError('TRACKING_PLAN_SCHEMA_INVALID', saved.error.message, { field: `schema${saved.error.path}`, extensions: { schemaPath: saved.error.path } });
    }
    return saved.value.created;
  };
  const responses = {
    200: Type.Object({ kind: Type.String(), event: Type.String(), mode: Mode, created: Type.Boolean() }),
    422: problemSchema('TRACKING_PLAN_SCHEMA_INVALID: not a valid JSON Schema (field points into it).'),
  };

  app.put(
    '/api/tracking-plan/events/:event',
    { schema: { tags, summary: 'Create or replace the schema of one track event', params: EventParam, body: SchemaBody, response: { ...responses, 201: responses[200] } } },
    async (request, reply) => {
      const created = await put(workspaceOf(request), 'track', request.params.event, request.body);
      void reply.code(created ? 201 : 200);
      return { kind: 'track', event: request.params.event, mode: request.body.mode ?? 'flag', created };
    },
  );

  app.delete(
    '/api/tracking-plan/events/:event',
    { schema: { tags, summary: 'Remove one track event from the plan', params: EventParam } },
    async (request, reply) => {
      if (!(await trackingPlan.deleteSchema(workspaceOf(request), 'track', request.params.event))) {
        throw apiError('TRACKING_PLAN_SCHEMA_NOT_FOUND', `The plan has no schema for "${request.params.event}".`, { field: 'event' });
      }
      void reply.code(204);
    },
  );

  app.put(
    '/api/tracking-plan/identify',
    { schema: { tags, summary: 'Create or replace the schema of identify traits', body: SchemaBody, response: { ...responses, 201: responses[200] } } },
    async (request, reply) => {
      const created = await put(workspaceOf(request), 'identify', '', request.body);
      void reply.code(created ? 201 : 200);
      return { kind: 'identify', event: '', mode: request.body.mode ?? 'flag', created };
    },
  );

  app.delete('/api/tracking-plan/identify', { schema: { tags, summary: 'Remove the identify traits schema' } }, async (request, reply) => {
    if (!(await trackingPlan.deleteSchema(workspaceOf(request), 'identify', ''))) {
      throw apiError('TRACKING_PLAN_SCHEMA_NOT_FOUND', 'The plan has no identify schema.');
    }
    void reply.code(204);
  });

  app.put(
    '/api/tracking-plan/unplanned',
    {
      schema: {
        tags,
        summary: 'Set the mode for track events the plan does not name',
        body: Type.Object({ mode: Mode }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await trackingPlan.setUnplanned(workspaceOf(request), request.body.mode);
      return { unplanned: request.body.mode };
    },
  );

  app.get(
    '/api/tracking-plan/violations',
    {
      schema: {
        tags,
        summary: 'Violation counters per event, kind and field, with recent samples (most recent first)',
        querystring: Type.Object({
          event: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const items = await trackingPlan.violations(workspaceOf(request), { limit: q.limit ?? 100, ...(q.event ? { event: q.event } : {}) });
      return { items: items.map(violationView) };
    },
  );

  app.get(
    '/api/tracking-plan/quarantine',
    {
      schema: {
        tags,
        summary: 'Messages the plan blocked, waiting to be replayed (by message id)',
        querystring: Type.Object({
          event: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          after: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'The last messageId of the previous page.' })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const page = await trackingPlan.quarantined(workspaceOf(request), {
        limit: q.limit ?? 100,
        ...(q.event ? { event: q.event } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return {
        total: page.total,
        items: page.items.map((r) => ({
          messageId: r.messageId,
          messageType: r.messageType,
          event: r.event,
          message: r.message,
          violations: r.violations,
          quarantinedAt: iso(r.quarantinedAt),
        })),
        next: page.items.length === (q.limit ?? 100) ? page.items[page.items.length - 1]!.messageId : null,
      };
    },
  );

  app.post(
    '/api/tracking-plan/quarantine/replay',
    {
      schema: {
        tags,
        summary: 'Ingest quarantined messages again under the current plan; those accepted leave the quarantine',
        body: Type.Object(
          {
            event: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const b = request.body;
      return trackingPlan.replay(workspaceOf(request), { limit: b.limit ?? 1000, ...(b.event ? { event: b.event } : {}) });
    },
  );
};

/** The tracking-plan route area (see `routes/index.ts`): registers when the app provides the service. */
export async function trackingPlanArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.trackingPlan) await app.register(trackingPlanRoutes, { trackingPlan: services.trackingPlan });
}
