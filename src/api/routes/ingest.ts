/**
 * @module
 * Segment-compatible ingestion: `POST /v1/track | identify | page | screen | group | alias` (one message),
 * `POST /v1/batch` (and its alias `/v1/import`), the short routes Segment's browser library posts to
 * (`/v1/t`, `/v1/p`, `/v1/i`, `/v1/s`, `/v1/g`, `/v1/a`, `/v1/b`) and the settings it fetches on load
 * (`GET /v1/projects/{writeKey}/settings`). Bodies are JSON whatever the declared content type
 * (`application/json`, `text/plain` as browsers send beacons, `application/x-www-form-urlencoded` as some SDKs
 * mislabel it, or none), optionally gzip- or deflate-encoded; the write key is the Basic-auth username or
 * `writeKey` in the body. Open to browsers on any origin (CORS `*`, preflight answered). Success is `{ "success": true }`; failures are problem documents (docs/api.md has the batch rule).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Services } from '../services.js';
import type { EventType } from '../../core/index.js';
import { ingestLimits, validateBatch, writeKeyOf, type IngestResult } from '../../ingest/index.js';
import { apiMetrics } from '../api-metrics.js';
import { apiError, BATCH_REJECTION_STATUS } from '../error-catalogue.js';
import { gunzipBody } from '../gunzip-body.js';

const SINGLE_TYPES: readonly EventType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

/** The one-letter routes of Segment's browser library (analytics-next), by the call they stand for. */
const SHORT_ROUTES: Readonly<Record<string, EventType>> = { t: 'track', p: 'page', i: 'identify', s: 'screen', g: 'group', a: 'alias' };

const Success = Type.Object(
  {
    success: Type.Literal(true),
    warnings: Type.Optional(Type.Array(Type.String(), { description: 'Non-fatal adjustments (far-future timestamps clamped).' })),
  },
  { description: 'Every message was stored or was a duplicate of a stored one.' },
);

const MessageDoc = Type.Object(
  {
    userId: Type.Optional(Type.String()),
    anonymousId: Type.Optional(Type.String()),
    messageId: Type.Optional(Type.String()),
    event: Type.Optional(Type.String({ description: 'track: the event name (required).' })),
    name: Type.Optional(Type.String({ description: 'page / screen: the name.' })),
    properties: Type.Optional(Type.Object({})),
    traits: Type.Optional(Type.Object({})),
    context: Type.Optional(Type.Object({})),
    timestamp: Type.Optional(Type.String({ format: 'date-time' })),
    sentAt: Type.Optional(Type.String({ format: 'date-time' })),
    writeKey: Type.Optional(Type.String()),
  },
  { description: 'A Segment-spec message; userId or anonymousId is required.' },
);

/** Parses JSON bodies of the ingestion scope; a syntax error becomes `INVALID_JSON` with the parser's detail. */
function parseJson(_request: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void): void {
  if (body.trim() === '') {
    done(apiError('INVALID_JSON', 'The request body is empty; a JSON document was expected.'));
    return;
  }
  try {
    // JSON.parse makes `__proto__` an own property (no prototype change); validation then refuses it by path.
    done(null, JSON.parse(body));
  } catch (error) {
    done(apiError('INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`, { cause: error }));
  }
}

/** Registers the `/v1/*` routes. */
export async function ingestRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const metrics = apiMetrics(services.metrics, () => services.ingest.queueDepth);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Real clients label JSON every which way (the Segment and RudderStack servers read JSON whatever the label):
    // every content type, and none, is parsed as JSON.
    scope.addContentTypeParser('*', { parseAs: 'string' }, parseJson);
    scope.addHook('preParsing', gunzipBody);
    // Browsers send from any site (analytics.js, the snippet): ingestion is open to every origin. Credentials are
    // never cookies, only the write key, so `*` is safe.
    scope.addHook('onRequest', async (_request, reply) => {
      void reply.header('access-control-allow-origin', '*');
    });
    scope.options(
      '/v1/*',
      { schema: { hide: true } },
      async (_request, reply) =>
        reply
          .code(204)
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type, content-encoding')
          .header('access-control-max-age', '86400')
          .send(),
    );

    const authenticate = async (request: FastifyRequest): Promise<string> => {
      const result = await services.keys.authenticate(writeKeyOf(request.headers.authorization, request.body), 'write');
      if (!result.ok) {
        throw result.error === 'AUTH_MISSING_KEY'
          ? apiError('AUTH_MISSING_WRITE_KEY', 'Send the write key as the Basic-auth username or as "writeKey" in the body.')
          : apiError('AUTH_INVALID_WRITE_KEY', 'The write key is not valid.');
      }
      request.workspaceId = result.value.workspaceId;
      return result.value.workspaceId;
    };

    const count = (result: IngestResult): void => {
      // One increment per (type, outcome) of the request, not per message: a batch of 100 costs a few label lookups.
      const tally = new Map<string, { type: string; outcome: string; n: number }>();
      for (const r of result.results) {
        const type = r.type ?? 'unknown';
        const key = `${type}\u0000${r.outcome}`;
        const entry = tally.get(key);
        if (entry) entry.n++;
        else tally.set(key, { type, outcome: r.outcome, n: 1 });
      }
      for (const { type, outcome, n } of tally.values()) metrics.ingested.inc({ type, outcome }, n);
    };

    const answer = (reply: FastifyReply, result: IngestResult): { success: true; warnings?: string[] } => {
      const warnings = result.results.flatMap((r) => (r.outcome === 'accepted' ? r.warnings : []));
      void reply.code(200);
      return warnings.length > 0 ? { success: true, warnings } : { success: true };
    };

    // Schemas here document the API; validation is ingestion's own (validateMessage), with its own codes.
    const documentOnly = () => (data: unknown) => ({ value: data });

    const singleRoutes: [string, EventType][] = [...SINGLE_TYPES.map((t): [string, EventType] => [t, t]), ...Object.entries(SHORT_ROUTES)];
    for (const [route, type] of singleRoutes) {
      scope.post(
        `/v1/${route}`,
        {
          bodyLimit: ingestLimits.maxMessageBytes,
          validatorCompiler: documentOnly,
          schema: {
            tags: ['ingestion'],
            summary: route === type ? `Segment ${type} call` : `Segment ${type} call (analytics-next short route)`,
            security: [{ writeKey: [] }],
            body: MessageDoc,
            response: { 200: Success },
          },
        },
        async (request, reply) => {
          const workspaceId = await authenticate(request);
          const result = await services.ingest.ingest(workspaceId, [request.body], {
            receivedAt: services.clock.now(),
            source: `http:/v1/${type}`,
            type,
            fieldOf: () => '',
          });
          count(result);
          const first = result.results[0];
          if (first?.outcome === 'rejected') {
            throw apiError(first.problem.code, first.problem.detail, { field: first.problem.field });
          }
          return answer(reply, result);
        },
      );
    }

    const batchHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const workspaceId = await authenticate(request);
      const envelope = validateBatch(request.body);
      if (!envelope.ok) {
        metrics.ingested.inc({ type: 'unknown', outcome: 'rejected' });
        const p = envelope.error;
        throw apiError(p.code, p.detail, { field: p.field });
      }
      const result = await services.ingest.ingest(workspaceId, envelope.value.messages, {
        receivedAt: services.clock.now(),
        sentAt: envelope.value.sentAt,
        context: Object.keys(envelope.value.context).length > 0 ? envelope.value.context : undefined,
        source: `http:${request.routeOptions.url}`,
      });
      count(result);
      if (result.rejected > 0) {
        const errors = result.results.flatMap((r, index) => (r.outcome === 'rejected' ? [{ index, ...r.problem }] : []));
        const first = errors[0]!;
        throw apiError(
          first.code,
          `${result.rejected} of ${result.results.length} messages were rejected and not stored; the other ${result.accepted + result.duplicates} were stored (or already were). First: ${first.detail}`,
          {
            status: BATCH_REJECTION_STATUS,
            field: first.field,
            extensions: { accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected, errors },
          },
        );
      }
      return answer(reply, result);
    };
    const batchDoc = Type.Object({ batch: Type.Array(MessageDoc), sentAt: Type.Optional(Type.String({ format: 'date-time' })), writeKey: Type.Optional(Type.String()) });
    for (const url of ['/v1/batch', '/v1/import', '/v1/b']) {
      scope.post(
        url,
        {
          bodyLimit: ingestLimits.maxBatchBytes,
          validatorCompiler: documentOnly,
          schema: {
            tags: ['ingestion'],
            summary: url === '/v1/batch' ? 'Segment batch' : `Segment batch (${url} is an alias)`,
            security: [{ writeKey: [] }],
            body: batchDoc,
            response: { 200: Success },
          },
        },
        batchHandler,
      );
    }

    scope.get(
      '/v1/projects/:writeKey/settings',
      {
        schema: {
          tags: ['ingestion'],
          summary: 'Settings Segment\'s browser library (analytics-next) fetches on load: where to send, nothing else enabled',
          // The write key is the path itself (the library knows no other way): no header to declare.
          security: [],
          params: Type.Object({ writeKey: Type.String({ minLength: 1, maxLength: 200 }) }),
        },
      },
      async (request) => {
        const { writeKey } = request.params as { writeKey: string };
        const result = await services.keys.authenticate(writeKey, 'write');
        if (!result.ok) throw apiError('WRITE_KEY_NOT_FOUND', 'No project has this write key.', { field: 'writeKey' });
        const forwardedProto = String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
        const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : request.protocol;
        // The library posts to `${protocol}://${apiHost}/t` etc.: point it back at this server's /v1.
        return {
          integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${request.host}/v1`, protocol, unbundledIntegrations: [], addBundledMetadata: true } },
          plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
          edgeFunction: {},
          analyticsNextEnabled: true,
          middlewareSettings: {},
          enabledMiddleware: {},
          metrics: { sampleRate: 0 },
          legacyVideoPluginsEnabled: false,
          remotePlugins: [],
        };
      },
    );
  });
}
