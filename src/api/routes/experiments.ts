/**
 * @module
 * The experiments admin API: `POST /api/experiments` (create; the same definition again answers 200 unchanged,
 * a different one under the same name 409 `EXPERIMENT_CHANGED`), list, read, `POST /api/experiments/{id}/stop`,
 * `GET /api/experiments/sample-size?rate=&lift=` (people needed per arm), and
 * `GET /api/experiments/{id}/report` — per arm n, mean, relative and absolute lift with 95% intervals,
 * p-values, the sequential (always-valid) test, the sample-ratio check and a plain-language verdict. See
 * docs/experiments.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type AppError, assertNever } from '../../core/index.js';
import {
  armSegmentName,
  sampleSizePerArm,
  type ExperimentFailure,
  type ExperimentRecord,
  type ExperimentReport,
  type ExperimentResult,
  type ExperimentService,
} from '../../experiments/index.js';
import { workspaceOf } from '../admin-auth.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** An experiment as the API returns it. */
export function experimentView(e: ExperimentRecord): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    definition: e.definition,
    armSegments: Object.fromEntries(e.definition.arms.map((a) => [a.name, armSegmentName(e.name, a.name)])),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

/** The report as the API returns it: numbers that cannot be estimated are null. */
export function reportView(r: ExperimentReport): Record<string, unknown> {
  const a = r.analysis;
  return {
    experiment: experimentView(r.experiment),
    at: iso(r.at),
    control: a.control,
    alpha: a.alpha,
    sequential: {
      method: 'mSPRT normal-mixture confidence sequence on the absolute lift (always valid under continuous monitoring)',
      plannedPerArm: a.plannedPerArm,
    },
    arms: a.arms.map((arm) => ({
      arm: arm.arm,
      n: arm.n,
      weight: arm.weight,
      control: arm.isControl,
      holdout: r.experiment.definition.arms.find((d) => d.name === arm.arm)?.holdout === true,
      metrics: Object.fromEntries(
        Object.entries(arm.metrics).map(([name, m]) => [
          name,
          {
            kind: m.kind,
            guardrail: m.guardrail,
            mean: num(m.mean),
            lift: num(m.relative.estimate),
            liftLow: num(m.relative.low),
            liftHigh: num(m.relative.high),
            absoluteLift: num(m.absolute.estimate),
            absoluteLow: num(m.absolute.low),
            absoluteHigh: num(m.absolute.high),
            pValue: num(m.pValue.value),
            log10PValue: num(m.pValue.ln / Math.LN10),
            sequential: { low: num(m.sequential.low), high: num(m.sequential.high), pValue: num(m.sequential.pValue), significant: m.sequential.significant },
          },
        ]),
      ),
    })),
    srm: { chiSquare: a.srm.chiSquare, df: a.srm.df, pValue: a.srm.pValue, mismatch: a.srm.mismatch, expected: a.srm.expected },
    verdict: r.verdict,
    series: Object.fromEntries(Object.entries(r.series).map(([arm, points]) => [arm, points.map((p) => ({ ...p, day: iso(p.day).slice(0, 10) }))])),
  };
}

/** Turns an expected failure into the problem document the API answers. */
function experimentProblem(error: ExperimentFailure): AppError {
  switch (error.kind) {
    case 'invalid':
      return apiError('EXPERIMENT_INVALID', `The experiment is invalid: ${error.problems.map((p) => `${p.field || '(body)'}: ${p.message}`).join('; ')}`, {
        field: error.problems[0]?.field ?? '',
        extensions: { errors: error.problems },
      });
    case 'invalid_rule':
      return apiError('RULE_INVALID', `The rule of arm "${error.arm}" has errors.`, { field: 'arms', extensions: { errors: error.diagnostics } });
    case 'name_taken':
      return apiError('EXPERIMENT_NAME_TAKEN', `The name "${error.name}" is already used.`, { field: 'name' });
    case 'changed':
      return apiError(
        'EXPERIMENT_CHANGED',
        `An experiment named "${error.name}" already exists with a different definition; experiments cannot be edited once started. Stop it and create one with a new name.`,
        { field: 'name' },
      );
    case 'not_found':
      return apiError('EXPERIMENT_NOT_FOUND', `No experiment has the id or name "${error.id}".`);
    default:
      return assertNever(error);
  }
}

function unwrap<T>(result: ExperimentResult<T>): T {
  if (!result.ok) throw experimentProblem(result.error);
  return result.value;
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, description: 'Experiment id or name.' }) });
const tags = ['experiments'];

/** Registers the `/api/experiments` routes. */
export const experimentRoutes: FastifyPluginAsyncTypebox<{ experiments: ExperimentService; workspaceOf: (request: FastifyRequest) => string }> = async (
  app,
  { experiments, workspaceOf: ws },
) => {
  app.post(
    '/api/experiments',
    {
      schema: {
        tags,
        summary: 'Create an experiment (arms as rules with weights, an optional holdout, metrics); idempotent for an identical definition',
        body: Type.Unknown({ description: 'An experiment definition (docs/experiments.md).' }),
        response: { 200: Type.Unknown(), 201: Type.Unknown() },
      },
    },
    async (request, reply) => {
      const { experiment, created } = unwrap(await experiments.create(ws(request), request.body));
      return reply.code(created ? 201 : 200).send({ experiment: experimentView(experiment), created });
    },
  );

  app.get('/api/experiments', { schema: { tags, summary: 'List experiments', response: { 200: Type.Unknown() } } }, async (request) => ({
    experiments: (await experiments.list(ws(request))).map(experimentView),
  }));

  // Registered before `/:id`; Fastify prefers the static path anyway, so an experiment named "sample-size" stays
  // readable by its id.
  app.get(
    '/api/experiments/sample-size',
    {
      schema: {
        tags,
        summary: 'People needed per arm to detect a relative lift on a conversion rate (two-sided two-proportion z-test)',
        querystring: Type.Object({
          rate: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: "The control's conversion rate, 0.03 = 3%." }),
          lift: Type.Number({ description: 'The smallest relative lift worth detecting, 0.1 = +10% (negative for a drop).' }),
          alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05 })),
          power: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.8 })),
        }),
        response: { 200: Type.Unknown() },
      },
    },
    async (request) => {
      const { rate, lift } = request.query;
      const alpha = request.query.alpha ?? 0.05;
      const power = request.query.power ?? 0.8;
      const target = rate * (1 + lift);
      if (lift === 0 || !(target > 0 && target < 1)) {
        throw apiError('VALIDATION_FAILED', `A lift of ${lift} on a rate of ${rate} gives ${target}; the lift must be non-zero and the lifted rate inside (0, 1).`, { field: 'lift' });
      }
      return { rate, lift, alpha, power, targetRate: target, perArm: sampleSizePerArm({ baselineRate: rate, relativeLift: lift, alpha, power }) };
    },
  );

  app.get('/api/experiments/:id', { schema: { tags, summary: 'One experiment', params: IdParams, response: { 200: Type.Unknown() } } }, async (request) => {
    const found = await experiments.get(ws(request), request.params.id);
    if (!found) throw experimentProblem({ kind: 'not_found', id: request.params.id });
    return { experiment: experimentView(found) };
  });

  app.post(
    '/api/experiments/:id/stop',
    { schema: { tags, summary: 'Stop recording exposures and conversions (the report stays)', params: IdParams, response: { 200: Type.Unknown() } } },
    async (request) => ({ experiment: experimentView(unwrap(await experiments.stop(ws(request), request.params.id))) }),
  );

  app.get(
    '/api/experiments/:id/report',
    { schema: { tags, summary: 'Lift, intervals, p-values, sequential test, SRM check and verdict', params: IdParams, response: { 200: Type.Unknown() } } },
    async (request) => reportView(unwrap(await experiments.report(ws(request), request.params.id))),
  );
};

/** The experiments route area (see `routes/index.ts`): registers when the app provides the experiment service. */
export async function experimentsArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.experiments) await app.register(experimentRoutes, { experiments: services.experiments, workspaceOf });
}
