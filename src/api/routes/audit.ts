/**
 * @module
 * `GET /api/audit`: the calling workspace's audit rows, oldest first, with filters (`since`, `until` in epoch
 * ms, `actor`, `method`, `route` prefix) and paging (`after` = the last `seq` of the previous page, `limit`).
 * Each row carries its `prevHash` and `hash`, so a client can check the links it received.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { workspaceOf } from '../admin-auth.js';
import type { AuditPort, Services } from '../services.js';

const Count = (description: string) => Type.Optional(Type.Integer({ minimum: 0, description }));

const AuditRowSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'key:<key id>, or session:<key id> (a web app session opened with that admin key)' }),
  method: Type.String(),
  route: Type.String({ description: 'The route pattern, e.g. /api/segments/:id' }),
  params: Type.Record(Type.String(), Type.String(), { description: 'Route parameters; profile references as sha256:<hex>.' }),
  status: Type.Integer(),
  bodyDigest: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Unknown(),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** Options of {@link auditRoutes}. */
export interface AuditRoutesOptions {
  readonly audit: AuditPort;
  readonly workspaceOf: (request: unknown) => string;
}

/** Registers `GET /api/audit`. */
export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { audit, workspaceOf: ws }) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "The workspace's audit log: every administrative request, chained by hashes",
        querystring: Type.Object(
          {
            after: Count('Rows after this seq (the last seq of the previous page).'),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            since: Count('Only rows at or after this instant (epoch ms).'),
            until: Count('Only rows at or before this instant (epoch ms).'),
            actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            method: Type.Optional(Type.Union(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m)))),
            route: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Route pattern prefix, e.g. /api/segments' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(AuditRowSchema), nextAfter: Type.Union([Type.Integer(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const rows = await audit.list(ws(request), {
        limit,
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.since === undefined ? {} : { since: q.since }),
        ...(q.until === undefined ? {} : { until: q.until }),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.method === undefined ? {} : { method: q.method }),
        ...(q.route === undefined ? {} : { route: q.route }),
      });
      return {
        entries: rows.map((r) => ({
          seq: r.seq,
          at: new Date(r.at).toISOString(),
          actor: r.actor,
          method: r.method,
          route: r.route,
          params: { ...r.params },
          status: r.status,
          bodyDigest: r.bodyDigest,
          detail: r.detail ?? null,
          prevHash: r.prevHash,
          hash: r.hash,
        })),
        nextAfter: rows.length === limit ? rows.at(-1)!.seq : null,
      };
    },
  );
};

/** The audit route area (see `routes/index.ts`): registers when the app provides the audit port. */
export async function auditArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.audit) await app.register(auditRoutes, { audit: services.audit, workspaceOf });
}
