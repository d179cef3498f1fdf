/**
 * @module
 * The destinations admin API: register a webhook (`POST /api/destinations` → 201 with the `whsec_…` signing
 * secret, shown only then) or an ESP list sync (`kind` `sendgrid` / `mailchimp` / `klaviyo` with `apiKey` and
 * `list`; the key is never returned), rotate secrets, list with per-destination state, read, `PATCH` (rename, re-point, re-select segments, enable / disable —
 * enabling also re-enables after an automatic disable), delete; deliveries with their attempts; replay of one
 * delivery or a range of change-log seqs; the destination's operational events. A URL the SSRF guard refuses
 * is 422 `DESTINATION_URL_FORBIDDEN` with `field: "url"`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { Services } from '../services.js';
import { type AppError, assertNever } from '../../core/index.js';
import type { DeliveryView, DestinationFailure, DestinationResult, DestinationService, DestinationView } from '../../destinations/index.js';
import { workspaceOf } from '../admin-auth.js';
import {
  CreatedSchema,
  DeliverySchema,
  DestinationKindSchema,
  DestinationSchema,
  ResyncReportSchema,
  RotatedSecretSchema,
  SegmentsSchema,
  StringMapSchema,
} from '../contract/index.js';
import { apiError } from '../error-catalogue.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const tags = ['destinations'];

/** What the destination routes need. */
export interface DestinationRoutesOptions {
  readonly destinations: DestinationService;
  readonly workspaceOf: (request: unknown) => string;
}

function targetsOf(d: DestinationView): { segmentId: string; target: string }[] {
  if (d.segments === 'all') return [];
  return d.segments.map((segmentId) => ({
    segmentId,
    target: d.config.mapping?.[segmentId] ?? (d.kind === 'webhook' ? d.url : d.kind === 'mailchimp' ? `tag named after the segment` : (d.config.list ?? '')),
  }));
}

function destinationView(d: DestinationView): Static<typeof DestinationSchema> {
  const counts = d.counts ?? { pending: 0, delivered: 0, dead: 0 };
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    url: d.url,
    secretHint: d.secretHint,
    previousSecretValidUntil: d.previousSecretUntil !== null && d.previousSecretUntil > d.updatedAt ? iso(d.previousSecretUntil) : null,
    config: (({ consentCategories, ...rest }) => ({ ...rest, ...(consentCategories ? { consentCategories: [...consentCategories] } : {}) }))(d.config),
    state: {
      synced: counts.delivered,
      pending: counts.pending,
      dead: counts.dead,
      rateLimitWaits: d.rateLimitWaits,
      lastError: d.lastError,
      lastErrorAt: iso(d.lastErrorAt),
      segments: targetsOf(d),
    },
    segments: d.segments === 'all' ? 'all' : [...d.segments],
    emailTargeting: d.emailTargeting,
    enabled: d.enabled,
    disabledReason: d.disabledReason,
    disabledAt: iso(d.disabledAt),
    cursorSeq: d.cursorSeq,
    consecutiveDeadLetters: d.consecutiveDead,
    failingSince: iso(d.failingSince),
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
    ...(d.counts ? { counts: d.counts } : {}),
  };
}

function deliveryView(d: DeliveryView): Static<typeof DeliverySchema> {
  return {
    id: d.id,
    seq: d.seq,
    profileId: d.profileId,
    segmentId: d.segmentId,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: new Date(d.nextAttemptAt).toISOString(),
    createdAt: new Date(d.createdAt).toISOString(),
    deliveredAt: iso(d.deliveredAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    payload: d.payload,
    attemptLog: d.attemptLog.map((a) => ({
      n: a.n,
      startedAt: new Date(a.startedAt).toISOString(),
      durationMs: a.durationMs,
      status: a.status,
      outcome: a.outcome,
      error: a.error,
    })),
  };
}

/** The problem document an expected destination failure becomes. */
export function destinationProblem(failure: DestinationFailure): AppError {
  switch (failure.kind) {
    case 'not_found':
      return failure.what === 'destination'
        ? apiError('DESTINATION_NOT_FOUND', `No destination has the id "${failure.id}".`)
        : apiError('DELIVERY_NOT_FOUND', `No delivery has the id "${failure.id}".`);
    case 'url_forbidden':
      return apiError('DESTINATION_URL_FORBIDDEN', failure.refusal.message, {
        field: failure.field ?? 'url',
        extensions: {
          reason: failure.refusal.kind,
          ...(failure.refusal.kind === 'forbidden_address' ? { address: failure.refusal.address, addressClass: failure.refusal.class } : {}),
        },
      });
    case 'invalid':
      return apiError('DESTINATION_INVALID', failure.message, { field: failure.field });
    case 'esp_unavailable':
      return apiError('DESTINATION_ESP_UNAVAILABLE', `The ESP could not be read: ${failure.message}`);
    default:
      return assertNever(failure);
  }
}

function unwrap<T>(result: DestinationResult<T>): T {
  if (!result.ok) throw destinationProblem(result.error);
  return result.value;
}

/** Registers the `/api/destinations` routes. */
export const destinationRoutes: FastifyPluginAsyncTypebox<DestinationRoutesOptions> = async (app, options) => {
  const { destinations, workspaceOf: ws } = options;

  app.post(
    '/api/destinations',
    {
      schema: {
        tags,
        summary: 'Register a webhook or an ESP list sync (SendGrid, Mailchimp, Klaviyo); a webhook\'s signing secret is shown only now',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            kind: Type.Optional(DestinationKindSchema),
            url: Type.Optional(
              Type.String({ minLength: 1, maxLength: 2048, description: 'Webhooks: http(s) URL; private addresses need the operator allow-list.' }),
            ),
            apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'ESPs: the API key (sealed at rest, never returned).' })),
            list: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'ESPs: list id (SendGrid, Klaviyo) or audience id (Mailchimp).' })),
            baseUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'ESPs: overrides the API host; same SSRF guard as webhooks.' })),
            segments: SegmentsSchema,
            emailTargeting: Type.Optional(Type.Boolean({ description: 'Suppress entries of people who may not be emailed (always on for ESPs).' })),
            initialSync: Type.Optional(Type.Boolean({ description: 'Send the current members first (default: on for ESPs, off for webhooks).' })),
            mapping: Type.Optional(StringMapSchema('Segment id or name → list id (SendGrid, Klaviyo) or tag name (Mailchimp).')),
            fields: Type.Optional(StringMapSchema('segflow trait → ESP field (SendGrid reserved or custom field id, Mailchimp merge tag, Klaviyo attribute or property).')),
            dataCenter: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'Mailchimp data centre (default: the API key suffix).' })),
            statusIfNew: Type.Optional(Type.Union([Type.Literal('subscribed'), Type.Literal('pending'), Type.Literal('transactional')])),
            concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
            timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
            consentCategories: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
                maxItems: 20,
                description: 'Consent categories (context.consent.categoryPreferences) a person must have granted to be sent here; docs/privacy.md.',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: CreatedSchema },
      },
    },
    async (request, reply) => {
      const created = unwrap(await destinations.create(ws(request), request.body));
      void reply.code(201).header('location', `/api/destinations/${encodeURIComponent(created.destination.id)}`);
      return { ...destinationView(created.destination), ...(created.secret === undefined ? {} : { secret: created.secret }), initialSync: created.initialSync };
    },
  );

  app.get(
    '/api/destinations',
    { schema: { tags, summary: 'List destinations with delivery counts', response: { 200: Type.Object({ destinations: Type.Array(DestinationSchema) }) } } },
    async (request) => ({ destinations: (await destinations.list(ws(request))).map(destinationView) }),
  );

  app.get(
    '/api/destinations/:id',
    { schema: { tags, summary: 'Read a destination', params: IdParams, response: { 200: DestinationSchema } } },
    async (request) => destinationView(unwrap(await destinations.get(ws(request), request.params.id))),
  );

  app.patch(
    '/api/destinations/:id',
    {
      schema: {
        tags,
        summary: 'Rename, re-point, re-select segments, enable or disable (enabling clears an automatic disable)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
            segments: Type.Optional(SegmentsSchema),
            emailTargeting: Type.Optional(Type.Boolean()),
            enabled: Type.Optional(Type.Boolean()),
            initialSync: Type.Optional(Type.Boolean({ description: 'Send the current members of newly added segments first.' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: DestinationSchema },
      },
    },
    async (request) => destinationView(unwrap(await destinations.update(ws(request), request.params.id, request.body))),
  );

  app.delete(
    '/api/destinations/:id',
    { schema: { tags, summary: 'Delete a destination with its deliveries', params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      unwrap(await destinations.delete(ws(request), request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/destinations/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries in change-log order, with every attempt',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          after: Type.Optional(Type.String({ description: 'The `next` cursor of the previous page (a delivery id).' })),
        }),
        response: { 200: Type.Object({ deliveries: Type.Array(DeliverySchema), next: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { status, limit = 100, after } = request.query;
      const list = unwrap(
        await destinations.deliveries(ws(request), request.params.id, { limit, ...(status ? { status } : {}), ...(after ? { after } : {}) }),
      );
      return { deliveries: list.map(deliveryView), next: list.length === limit ? (list[list.length - 1]?.id ?? null) : null };
    },
  );

  app.post(
    '/api/destinations/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        tags,
        summary: 'Send one delivery again (same webhook-id, fresh retry budget)',
        params: Type.Object({ id: Type.String({ minLength: 1 }), deliveryId: Type.String({ minLength: 1 }) }),
        response: { 202: Type.Object({ replayed: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const result = unwrap(await destinations.replayDelivery(ws(request), request.params.id, request.params.deliveryId));
      return reply.code(202).send(result);
    },
  );

  app.post(
    '/api/destinations/:id/replay',
    {
      schema: {
        tags,
        summary: 'Send again every delivery made from change-log seqs fromSeq..toSeq (inclusive)',
        params: IdParams,
        body: Type.Object({ fromSeq: Type.Integer({ minimum: 0 }), toSeq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ replayed: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const { fromSeq, toSeq } = request.body;
      const result = unwrap(await destinations.replayRange(ws(request), request.params.id, fromSeq, toSeq));
      return reply.code(202).send(result);
    },
  );

  app.post(
    '/api/destinations/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret (webhooks: both signatures sent during the grace period) or replace the API key (ESPs)',
        params: IdParams,
        body: Type.Object(
          {
            graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400, description: 'Webhooks: how long the old secret stays valid (default 86400).' })),
            apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'ESPs: the new API key.' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RotatedSecretSchema },
      },
    },
    async (request) => {
      const { graceSeconds, apiKey } = request.body;
      const rotated = unwrap(
        await destinations.rotateSecret(ws(request), request.params.id, {
          ...(graceSeconds === undefined ? {} : { graceMs: graceSeconds * 1000 }),
          ...(apiKey === undefined ? {} : { apiKey }),
        }),
      );
      return { ...(rotated.secret === undefined ? {} : { secret: rotated.secret }), previousSecretValidUntil: iso(rotated.previousValidUntil) };
    },
  );

  app.post(
    '/api/destinations/:id/resync',
    {
      schema: {
        tags,
        summary: 'Reconcile an ESP destination: read its lists back where the API allows, queue the adds and removals that repair drift, report',
        params: IdParams,
        response: { 202: ResyncReportSchema },
      },
    },
    async (request, reply) => {
      const report = unwrap(await destinations.resync(ws(request), request.params.id));
      return reply.code(202).send({ seq: report.seq, targets: report.targets.map((t) => ({ ...t, segments: [...t.segments], added: [...t.added], removed: [...t.removed] })) });
    },
  );

  app.get(
    '/api/destinations/:id/events',
    {
      schema: {
        tags,
        summary: 'Operational events of a destination (e.g. destination.disabled), newest first',
        params: IdParams,
        response: {
          200: Type.Object({
            events: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), at: Type.String({ format: 'date-time' }), detail: Type.Unknown() })),
          }),
        },
      },
    },
    async (request) => {
      unwrap(await destinations.get(ws(request), request.params.id));
      const events = await destinations.events(ws(request), request.params.id);
      return { events: events.map((e) => ({ id: e.id, kind: e.kind, at: new Date(e.at).toISOString(), detail: e.detail })) };
    },
  );
};

/** The destinations route area (see `routes/index.ts`): registers when the app provides the destination service. */
export async function destinationsArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.destinations) await app.register(destinationRoutes, { destinations: services.destinations, workspaceOf });
}
