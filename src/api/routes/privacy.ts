/**
 * @module
 * Privacy on the admin API (docs/privacy.md): `DELETE /api/profiles/{ref}` erases one person (any reference the
 * shared resolver accepts), `POST /api/erasures` erases or (un)suppresses many with one of Segment's regulation
 * kinds, `GET /api/erasures/{id}` reports an erasure's progress, `GET /api/erasures` lists the newest;
 * `GET /api/profiles/{ref}/export` answers a data-subject access request with everything held;
 * `GET` / `PUT` / `DELETE /api/privacy/retention` read, set and remove the workspace's event retention.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { assertNever, type AppError } from '../../core/index.js';
import type { Erasure, ErasureRequestError, PrivacyPort } from '../../privacy/index.js';
import { workspaceOf } from '../admin-auth.js';
import { type ApiErasure, ErasureKindSchema, ErasureSchema, problemSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const RefParam = Type.String({ minLength: 1, maxLength: 1100, description: 'prof_…, user_id:<id>, anonymous_id:<id>, email:<address>, or a bare userId / anonymousId' });
const iso = (ms: number): string => new Date(ms).toISOString();

/** An erasure in its API form. */
export function erasureView(e: Erasure): ApiErasure {
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    profiles: e.profiles,
    identifiers: e.identifiers,
    exits: e.exits,
    exitSeq: e.exitSeq,
    deleted: { ...e.deleted },
    dropped: e.dropped,
    detail: e.detail,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    deadlineAt: iso(e.deadlineAt),
    completedAt: e.completedAt === null ? null : iso(e.completedAt),
  };
}

function refusal(error: ErasureRequestError, field: string): AppError {
  switch (error.kind) {
    case 'not_found':
      return apiError('PROFILE_NOT_FOUND', `No profile is known by ${error.refs.map((r) => `"${r}"`).join(', ')}.`, { field });
    case 'not_an_identifier':
      return apiError('ERASURE_REF_NOT_IDENTIFIER', `"${error.ref}" names a profile id, not an identifier: SUPPRESS and UNSUPPRESS of someone not known take user_id:, anonymous_id:, email: or a bare id.`, { field });
    default:
      return assertNever(error);
  }
}

/** Options of {@link privacyRoutes}. */
export interface PrivacyRoutesOptions {
  readonly privacy: PrivacyPort;
}

/** Registers the erasure routes. */
export const privacyRoutes: FastifyPluginAsyncTypebox<PrivacyRoutesOptions> = async (app, { privacy }) => {
  const Accepted = Type.Object({ erasure: ErasureSchema });
  app.delete(
    '/api/profiles/:id',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Erase a person: every table that holds their data; their memberships exit with cause erased',
        description:
          'Answers 202 with the erasure; follow it with GET /api/erasures/{id}. With suppress=true (default) later messages naming any of their identifiers are dropped and counted (kind SUPPRESS_WITH_DELETE), with false they start a new profile (kind DELETE).',
        params: Type.Object({ id: RefParam }),
        querystring: Type.Object({ suppress: Type.Optional(Type.Boolean({ default: true })) }),
        response: { 202: Accepted, 404: problemSchema('PROFILE_NOT_FOUND: no profile is known by that reference.') },
      },
    },
    async (request, reply) => {
      const kind = request.query.suppress === false ? 'DELETE' : 'SUPPRESS_WITH_DELETE';
      const result = await privacy.requestErasure(workspaceOf(request), kind, [request.params.id]);
      if (!result.ok) throw refusal(result.error, 'id');
      return reply.code(202).send({ erasure: erasureView(result.value.erasure) });
    },
  );

  app.get(
    '/api/profiles/:id/export',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Everything held about a person, as one JSON document (a data-subject access request)',
        description:
          'Identities, traits, subscription and consent with their history, every event, memberships with their entry/exit history and the explanation of each current one, deliveries, workflow runs, experiment arms and scores (docs/privacy.md).',
        params: Type.Object({ id: RefParam }),
        response: { 404: problemSchema('PROFILE_NOT_FOUND: no profile is known by that reference.') },
      },
    },
    async (request, reply) => {
      const doc = await privacy.exportProfile(workspaceOf(request), request.params.id);
      if (doc === undefined) throw apiError('PROFILE_NOT_FOUND', `No profile is known by "${request.params.id}".`, { field: 'id' });
      void reply.header('content-disposition', `attachment; filename="${String(doc.profile['id'])}-export.json"`);
      // A plain JSON document (no response schema: its rows are the tables' own columns).
      return doc as unknown as Record<string, unknown>;
    },
  );

  app.post(
    '/api/erasures',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Erase or (un)suppress several people with one regulation kind',
        description: 'References no profile is known by are listed in notFound (and not stored); all unknown is a 404.',
        body: Type.Object(
          {
            kind: ErasureKindSchema,
            refs: Type.Array(RefParam, { minItems: 1, maxItems: 1000, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ erasure: ErasureSchema, notFound: Type.Array(Type.String()) }),
          404: problemSchema('PROFILE_NOT_FOUND: none of the references names a known profile.'),
          422: problemSchema('ERASURE_REF_NOT_IDENTIFIER: a profile id given to SUPPRESS / UNSUPPRESS of someone not known.'),
        },
      },
    },
    async (request, reply) => {
      const result = await privacy.requestErasure(workspaceOf(request), request.body.kind, request.body.refs);
      if (!result.ok) throw refusal(result.error, 'body.refs');
      return reply.code(202).send({ erasure: erasureView(result.value.erasure), notFound: [...result.value.notFound] });
    },
  );

  app.get(
    '/api/erasures/:id',
    {
      schema: {
        tags: ['privacy'],
        summary: 'An erasure and its progress',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Object({ erasure: ErasureSchema }), 404: problemSchema('ERASURE_NOT_FOUND: no such erasure in this workspace.') },
      },
    },
    async (request) => {
      const e = await privacy.erasure(workspaceOf(request), request.params.id);
      if (e === undefined) throw apiError('ERASURE_NOT_FOUND', `No erasure "${request.params.id}" in this workspace.`, { field: 'id' });
      return { erasure: erasureView(e) };
    },
  );

  app.get(
    '/api/erasures',
    {
      schema: {
        tags: ['privacy'],
        summary: 'The newest erasures',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: Type.Object({ erasures: Type.Array(ErasureSchema) }) },
      },
    },
    async (request) => ({ erasures: (await privacy.erasures(workspaceOf(request), request.query.limit ?? 50)).map(erasureView) }),
  );
};

/** The retention answer: the setting and the segments whose rules read further back than it keeps. */
const RetentionAnswer = Type.Object({
  retention: Type.Object({ eventsDays: Type.Union([Type.Integer(), Type.Null()]) }),
  warnings: Type.Array(Type.Object({ segment: Type.String(), findings: Type.Array(Type.String()) })),
});

/** Registers `GET` / `PUT /api/privacy/retention`. */
export const retentionRoutes: FastifyPluginAsyncTypebox<PrivacyRoutesOptions> = async (app, { privacy }) => {
  app.get(
    '/api/privacy/retention',
    {
      schema: {
        tags: ['privacy'],
        summary: 'The event retention of the workspace, with the segments whose rules read further back',
        response: { 200: RetentionAnswer },
      },
    },
    async (request) => {
      const r = await privacy.retention(workspaceOf(request));
      return { retention: r.retention, warnings: r.warnings.map((w) => ({ segment: w.segment, findings: [...w.findings] })) };
    },
  );
  app.put(
    '/api/privacy/retention',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Set the event retention: events older than eventsDays days are deleted in the background',
        // No `null` member here: with the server's type coercion a union with null would turn a refused 0 into
        // null (keep everything). Removing the retention is DELETE.
        body: Type.Object({ eventsDays: Type.Integer({ minimum: 1, maximum: 36_500 }) }, { additionalProperties: false }),
        response: { 200: RetentionAnswer },
      },
    },
    async (request) => {
      const r = await privacy.setRetention(workspaceOf(request), { eventsDays: request.body.eventsDays });
      return { retention: r.retention, warnings: r.warnings.map((w) => ({ segment: w.segment, findings: [...w.findings] })) };
    },
  );
  app.delete(
    '/api/privacy/retention',
    { schema: { tags: ['privacy'], summary: 'Remove the event retention (events are kept)', response: { 200: RetentionAnswer } } },
    async (request) => {
      const r = await privacy.setRetention(workspaceOf(request), { eventsDays: null });
      return { retention: r.retention, warnings: [] };
    },
  );
};

/** The route area: registers when the privacy port is wired. */
export async function privacyArea(app: FastifyInstance, services: Services): Promise<void> {
  if (!services.privacy) return;
  await app.register(privacyRoutes, { privacy: services.privacy });
  await app.register(retentionRoutes, { privacy: services.privacy });
}
