/**
 * @module
 * ESP event webhooks: `POST /v1/webhooks/{sendgrid|mailgun|postmark|ses}?key=<write key>`, where the write key
 * selects the workspace. Bodies are kept as raw bytes (signatures cover the exact bytes) whatever the
 * content type: SendGrid and Mailgun post `application/json`, Postmark `application/json`, SNS `text/plain`
 * JSON. Mailgun's legacy `multipart/form-data` webhooks are not accepted (use its JSON webhooks). A bad or
 * stale signature answers 401 (problem+json) and stores nothing.
 *
 * Provider secrets: `GET /api/settings/esp` (which providers are configured, never the secrets),
 * `PUT /api/settings/esp/{provider}` and `DELETE /api/settings/esp/{provider}` (admin key). Set-up per provider
 * in docs/esp-webhooks.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import Type from 'typebox';
import { espProviders, isEspProvider, parseEspSettings, type EspProvider, type IngestResult } from '../../ingest/index.js';
import { workspaceOf } from '../admin-auth.js';
import { apiMetrics } from '../api-metrics.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

/** Largest webhook body accepted: SendGrid batches events, and a batch is split into pipeline-sized chunks. */
const MAX_WEBHOOK_BYTES = 4 * 1024 * 1024;

const ProviderParam = Type.Object({ provider: Type.Union(espProviders.map((p) => Type.Literal(p))) });

const Receipt = Type.Object(
  {
    success: Type.Literal(true),
    forwarded: Type.Integer({ description: 'Events mapped to the vocabulary and handed to ingestion.' }),
    ignored: Type.Integer({ description: 'Items outside the vocabulary (e.g. SendGrid "processed") or without an address.' }),
    accepted: Type.Integer({ description: 'Events stored.' }),
    duplicates: Type.Integer({ description: 'Events already stored (provider retries), not stored again.' }),
    rejected: Type.Integer({ description: 'Events refused by validation (reported in the logs).' }),
    subscriptionConfirmed: Type.Optional(Type.Boolean({ description: 'SES: the SNS subscription was confirmed.' })),
  },
  { description: 'The request was authentic; its events were ingested.' },
);

/** `segflow_esp_webhook_requests_total{provider, outcome}`: `ok` or the problem code (bad signatures show here). */
function requestCounter(registry: Registry): Counter<'provider' | 'outcome'> {
  const name = 'segflow_esp_webhook_requests_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'provider' | 'outcome'>;
  return new Counter({ name, help: 'ESP webhook requests by provider and outcome.', labelNames: ['provider', 'outcome'], registers: [registry] });
}

function isIngestResult(value: unknown): value is IngestResult {
  return value !== null && typeof value === 'object' && typeof (value as IngestResult).accepted === 'number';
}

/** Registers the provider endpoints and the provider settings API. */
export async function espWebhookRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const esp = services.esp;
  if (esp === undefined) return;

  const requests = requestCounter(services.metrics);
  const ingested = apiMetrics(services.metrics, () => services.ingest.queueDepth).ingested;

  await app.register(async (scope) => {
    // Signatures cover the exact bytes: keep the raw body, for every content type, only in this scope.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) => done(null, body));

    scope.post(
      '/v1/webhooks/:provider',
      {
        bodyLimit: MAX_WEBHOOK_BYTES,
        schema: {
          tags: ['ingestion'],
          summary: 'ESP event webhook (SendGrid, Mailgun, Postmark, Amazon SES via SNS)',
          params: ProviderParam,
          security: [{ writeKeyQuery: [] }],
          querystring: Type.Object({ key: Type.Optional(Type.String({ description: 'A write key of the workspace.' })) }),
          response: { 200: Receipt },
        },
      },
      async (request: FastifyRequest<{ Params: { provider: string }; Querystring: { key?: string } }>) => {
        const provider = request.params.provider;
        if (!isEspProvider(provider)) throw apiError('ESP_UNKNOWN_PROVIDER', `No webhook endpoint for "${provider}".`, { field: 'provider' });
        const auth = await services.keys.authenticate(request.query.key, 'write');
        if (!auth.ok) {
          throw auth.error === 'AUTH_MISSING_KEY'
            ? apiError('AUTH_MISSING_WRITE_KEY', 'Add the write key to the webhook URL as ?key=<write key>.')
            : apiError('AUTH_INVALID_WRITE_KEY', 'The write key is not valid.');
        }
        request.workspaceId = auth.value.workspaceId;
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const receipt = await esp.receive(provider, auth.value.workspaceId, { rawBody, headers: request.headers });
        requests.inc({ provider, outcome: receipt.ok ? 'ok' : receipt.code });
        if (!receipt.ok) throw apiError(receipt.code, receipt.detail);
        const totals = { accepted: 0, duplicates: 0, rejected: 0 };
        for (const result of receipt.ingest) {
          if (!isIngestResult(result)) continue;
          for (const r of result.results) ingested.inc({ type: r.type ?? 'unknown', outcome: r.outcome });
          totals.accepted += result.accepted;
          totals.duplicates += result.duplicates;
          totals.rejected += result.rejected;
        }
        if (totals.rejected > 0) {
          // Answering 4xx would make the provider retry the same events forever; they are logged instead.
          request.log.warn({ provider, workspaceId: auth.value.workspaceId, rejected: totals.rejected }, 'ESP webhook events rejected by validation');
        }
        return {
          success: true as const,
          forwarded: receipt.forwarded,
          ignored: receipt.ignored,
          ...totals,
          ...(receipt.subscriptionConfirmed ? { subscriptionConfirmed: true } : {}),
        };
      },
    );
  });

  app.get(
    '/api/settings/esp',
    {
      schema: {
        tags: ['settings'],
        summary: 'Which ESP providers are configured (never the secrets)',
        response: { 200: Type.Record(Type.String(), Type.Object({ configured: Type.Boolean() })) },
      },
    },
    async (request) => {
      const configured = await esp.configured(workspaceOf(request));
      const answer: Record<string, { configured: boolean }> = {};
      for (const provider of espProviders) answer[provider] = { configured: configured[provider] };
      return answer;
    },
  );

  app.put(
    '/api/settings/esp/:provider',
    {
      schema: {
        tags: ['settings'],
        summary: "Set an ESP provider's webhook secret for the workspace",
        description:
          'sendgrid `{publicKey}` (base64, as SendGrid shows it), mailgun `{signingKey}`, postmark `{credentials: "user:password"}`, ses `{allowedTopics: [topic ARNs]}`.',
        params: ProviderParam,
        response: { 200: Type.Object({ provider: Type.String(), configured: Type.Literal(true) }) },
      },
    },
    async (request: FastifyRequest<{ Params: { provider: EspProvider } }>) => {
      const workspaceId = workspaceOf(request);
      const parsed = parseEspSettings(request.params.provider, request.body);
      if (!parsed.ok) throw apiError('ESP_INVALID_SETTINGS', parsed.detail);
      await esp.save(workspaceId, parsed.settings);
      return { provider: request.params.provider, configured: true as const };
    },
  );

  app.delete(
    '/api/settings/esp/:provider',
    { schema: { tags: ['settings'], summary: "Remove an ESP provider's webhook secret", params: ProviderParam } },
    async (request: FastifyRequest<{ Params: { provider: EspProvider } }>, reply) => {
      await esp.remove(workspaceOf(request), request.params.provider);
      return reply.code(204).send();
    },
  );
}
