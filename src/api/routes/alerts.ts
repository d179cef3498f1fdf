/**
 * @module
 * Alerts on the admin API: `POST /api/alerts/rules` (create a rule; a webhook destination's `whsec_…` signing
 * secret is in this answer only), `GET /api/alerts/rules`, `GET` / `PATCH` / `DELETE /api/alerts/rules/{idOrName}`, and
 * `GET /api/alerts` (the alerts rules raised, newest first, `?state=firing|resolved&rule=`). A rule watching a
 * segment that does not exist is 422 `ALERT_SEGMENT_NOT_FOUND`; any other invalid field 422
 * `ALERT_RULE_INVALID` with `field`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Alert, AlertRule, AlertService } from '../../monitor/index.js';
import { workspaceOf } from '../admin-auth.js';
import { auditDetail } from '../audit-hook.js';
import { problemSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const tags = ['alerts'];
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const ruleView = (r: AlertRule) => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  segmentId: r.segmentId,
  threshold: r.params.threshold,
  ...(r.params.baselineHours === undefined ? {} : { baselineHours: r.params.baselineHours }),
  ...(r.params.windowMinutes === undefined ? {} : { windowMinutes: r.params.windowMinutes }),
  ...(r.params.minAttempts === undefined ? {} : { minAttempts: r.params.minAttempts }),
  destination: r.destination,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const alertView = (a: Alert) => ({
  id: a.id,
  ruleId: a.ruleId,
  state: a.state,
  value: a.value,
  message: a.message,
  link: a.link,
  firedAt: iso(a.firedAt),
  resolvedAt: iso(a.resolvedAt),
});

/** Options of {@link alertRoutes}. */
export interface AlertRoutesOptions {
  readonly alerts: AlertService;
}

/** Registers the alert routes. */
export const alertRoutes: FastifyPluginAsyncTypebox<AlertRoutesOptions> = async (app, { alerts }) => {
  app.post(
    '/api/alerts/rules',
    {
      schema: {
        tags,
        summary: 'Create an alert rule',
        description:
          'Body: `name`, `kind` (segment_size_change, segment_stale, no_events, change_lag, delivery_failure_rate, dead_letters, tracking_plan_violations), `segment` (id or name, for the segment kinds), `threshold`, optional `baselineHours` / `windowMinutes` / `minAttempts`, `destination` `{ kind: "webhook" | "slack", url }`.',
        body: Type.Unknown(),
        response: {
          201: Type.Record(Type.String(), Type.Unknown(), { description: 'The rule, with `secret` (webhook destinations) shown only here.' }),
          422: problemSchema('ALERT_RULE_INVALID or ALERT_SEGMENT_NOT_FOUND: the rule is invalid (field names what).'),
          409: problemSchema('ALERT_RULE_NAME_TAKEN: another rule has that name.'),
        },
      },
    },
    async (request, reply) => {
      const created = await alerts.create(workspaceOf(request), request.body);
      if (!created.ok) throw apiError(created.error.code, created.error.message, { field: created.error.field });
      void reply.code(201).header('location', `/api/alerts/rules/${encodeURIComponent(created.value.rule.id)}`);
      return { ...ruleView(created.value.rule), ...(created.value.secret ? { secret: created.value.secret } : {}) };
    },
  );

  app.get('/api/alerts/rules', { schema: { tags, summary: 'The workspace\'s alert rules' } }, async (request) => ({
    rules: (await alerts.rules(workspaceOf(request))).map(ruleView),
  }));

  const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
  app.get('/api/alerts/rules/:id', { schema: { tags, summary: 'One alert rule', params: IdParams } }, async (request) => {
    const rule = await alerts.rule(workspaceOf(request), request.params.id);
    if (!rule) throw apiError('ALERT_RULE_NOT_FOUND', `No alert rule has the id or name "${request.params.id}".`);
    return ruleView(rule);
  });

  app.patch(
    '/api/alerts/rules/:id',
    {
      schema: {
        tags,
        summary: 'Change an alert rule',
        description:
          'Body: any of `name`, `segment`, `threshold`, `baselineHours` / `windowMinutes` / `minAttempts` (null removes one), `destination`. The kind cannot change. The rule as it would be is checked as a new one; a refused change changes nothing. An open alert stays open and is judged against the new threshold at the next evaluation.',
        params: IdParams,
        body: Type.Unknown(),
        response: {
          200: Type.Record(Type.String(), Type.Unknown(), { description: 'The rule, with `secret` when its destination has just become a webhook.' }),
          404: problemSchema('ALERT_RULE_NOT_FOUND: no rule has that id or name.'),
          409: problemSchema('ALERT_RULE_NAME_TAKEN: another rule has that name.'),
          422: problemSchema('ALERT_RULE_INVALID or ALERT_SEGMENT_NOT_FOUND: the change is invalid (field names what).'),
        },
      },
    },
    async (request) => {
      const updated = await alerts.update(workspaceOf(request), request.params.id, request.body);
      if (!updated) throw apiError('ALERT_RULE_NOT_FOUND', `No alert rule has the id or name "${request.params.id}".`);
      if (!updated.ok) throw apiError(updated.error.code, updated.error.message, { field: updated.error.field });
      const { before, rule, secret } = updated.value;
      auditDetail(request, { alertRule: rule.id, before: ruleView(before), after: ruleView(rule) });
      return { ...ruleView(rule), ...(secret ? { secret } : {}) };
    },
  );

  app.delete('/api/alerts/rules/:id', { schema: { tags, summary: 'Delete an alert rule and its alerts', params: IdParams } }, async (request, reply) => {
    if (!(await alerts.delete(workspaceOf(request), request.params.id))) {
      throw apiError('ALERT_RULE_NOT_FOUND', `No alert rule has the id or name "${request.params.id}".`);
    }
    void reply.code(204);
  });

  app.get(
    '/api/alerts',
    {
      schema: {
        tags,
        summary: 'Alerts raised by the rules, newest first',
        querystring: Type.Object({
          state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
          rule: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A rule id or name.' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const q = request.query;
      let ruleId: string | undefined;
      if (q.rule) {
        const rule = await alerts.rule(ws, q.rule);
        if (!rule) throw apiError('ALERT_RULE_NOT_FOUND', `No alert rule has the id or name "${q.rule}".`, { field: 'querystring.rule' });
        ruleId = rule.id;
      }
      const items = await alerts.alerts(ws, { limit: q.limit ?? 100, ...(q.state ? { state: q.state } : {}), ...(ruleId ? { rule: ruleId } : {}) });
      return { alerts: items.map(alertView) };
    },
  );
};

/** The alerts route area (see `routes/index.ts`): registers when the app provides the alert service. */
export async function alertsArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.alerts) await app.register(alertRoutes, { alerts: services.alerts });
}
