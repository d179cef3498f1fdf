/**
 * @module
 * The workflows admin API: save a workflow (`POST /api/workflows` with the definition as JSON: created, or a new
 * version when the name exists; `PUT /api/workflows/{id}` for an existing one), list, read, validate without
 * saving, pause / resume / archive, migrate the runs of an old version, numbers per version and step
 * (`/stats`), a person's runs with their paths (`/runs?profile=…`), and side-effect-free simulation of a
 * scripted scenario and backtest over the last days of stored events. An invalid definition is 422
 * `WORKFLOW_INVALID` with every problem in `errors` (code, JSON path, message) and `field` = the first path.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppError } from '../../core/index.js';
import { assertNever } from '../../core/index.js';
import type { WorkflowFailure, WorkflowResult, WorkflowService, WorkflowView } from '../../workflows/index.js';
import { workspaceOf } from '../admin-auth.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const tags = ['workflows'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const iso = (ms: number): string => new Date(ms).toISOString();

/** What the workflow routes need. */
export interface WorkflowRoutesOptions {
  readonly workflows: WorkflowService;
  readonly workspaceOf: (request: unknown) => string;
}

/** Turns an expected failure into the AppError the error handler answers with. */
export function workflowProblem(failure: WorkflowFailure): AppError {
  switch (failure.kind) {
    case 'invalid':
      return apiError('WORKFLOW_INVALID', `The workflow has ${failure.problems.length} problem(s); see errors for where and how to fix them.`, {
        ...(failure.problems[0] ? { field: failure.problems[0].path } : {}),
        extensions: { errors: failure.problems },
      });
    case 'not_found':
      return failure.what === 'profile'
        ? apiError('PROFILE_NOT_FOUND', `No profile is known as "${failure.id}".`, { field: 'profile' })
        : failure.what === 'version'
          ? apiError('WORKFLOW_VERSION_NOT_FOUND', `The workflow has no version ${failure.id}.`, { field: 'fromVersion' })
          : apiError('WORKFLOW_NOT_FOUND', `No workflow has the id or name "${failure.id}".`);
    case 'name_taken':
      return apiError('WORKFLOW_NAME_TAKEN', `A workflow named "${failure.name}" already exists.`, { field: 'name' });
    case 'unmapped_steps':
      return apiError('WORKFLOW_UNMAPPED_STEPS', `People wait at steps the current version does not have: ${failure.steps.join(', ')}; map each to a step of the new version. Nothing was migrated.`, {
        field: 'mapping',
        extensions: { steps: failure.steps },
      });
    case 'invalid_scenario':
      return apiError('WORKFLOW_SCENARIO_INVALID', `The scenario has ${failure.problems.length} bad line(s).`, {
        field: `scenario[${(failure.problems[0]?.line ?? 1) - 1}]`,
        extensions: { errors: failure.problems },
      });
    case 'archived':
      return apiError('WORKFLOW_ARCHIVED', `Workflow ${failure.id} is archived; archived workflows cannot change.`);
    default:
      return assertNever(failure);
  }
}

function unwrap<T>(result: WorkflowResult<T>): T {
  if (!result.ok) throw workflowProblem(result.error);
  return result.value;
}

function view(w: WorkflowView): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    version: w.currentVersion,
    definition: w.definition,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
    ...(w.warnings ? { warnings: w.warnings } : {}),
    ...(w.changed === undefined ? {} : { changed: w.changed }),
  };
}

/** The scenario as JSON Lines text: given as text, or as an array of inputs (one per line). */
function scenarioText(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map((x) => JSON.stringify(x)).join('\n') : undefined;
  if (text === undefined) throw apiError('WORKFLOW_SCENARIO_INVALID', 'scenario must be JSON Lines text or an array of inputs ({at, event | traits | entered | exited}).', { field: 'scenario' });
  return text;
}

/** Registers the `/api/workflows` routes. */
export const workflowRoutes: FastifyPluginAsyncTypebox<WorkflowRoutesOptions> = async (app, options) => {
  const { workflows, workspaceOf } = options;
  const body = Type.Unknown({ description: 'A workflow definition (the JSON form of a *.workflow.yaml file; see docs/workflows.md).' });

  app.get('/api/workflows', { schema: { tags, summary: 'List workflows' } }, async (request) => ({
    workflows: (await workflows.list(workspaceOf(request))).map(view),
  }));

  app.post('/api/workflows', { schema: { tags, summary: 'Save a workflow: created, or a new version of the workflow with that name', body } }, async (request, reply) => {
    const saved = unwrap(await workflows.save(workspaceOf(request), request.body));
    void reply.code(saved.currentVersion === 1 && saved.changed === true ? 201 : 200).header('location', `/api/workflows/${encodeURIComponent(saved.id)}`);
    return { workflow: view(saved) };
  });

  app.post('/api/workflows/validate', { schema: { tags, summary: 'Validate a definition without saving', body } }, async (request) => {
    const { warnings } = unwrap(await workflows.validate(workspaceOf(request), request.body));
    return { ok: true, warnings };
  });

  app.post(
    '/api/workflows/simulate',
    { schema: { tags, summary: 'Simulate a scripted scenario for a made-up person (no side effects)', body: Type.Object({ definition: Type.Unknown(), scenario: Type.Unknown(), traits: Type.Optional(Type.Record(Type.String(), Type.Unknown())), until: Type.Optional(Type.String({ format: 'date-time' })) }) } },
    async (request) => {
      const result = unwrap(
        await workflows.simulate(workspaceOf(request), request.body.definition, scenarioText(request.body.scenario), {
          ...(request.body.until ? { until: Date.parse(request.body.until) } : {}),
          ...(request.body.traits ? { traits: request.body.traits } : {}),
        }),
      );
      return {
        runs: result.runs.map((r) => ({ ...r, enteredAt: iso(r.enteredAt), path: r.path.map((p) => ({ ...p, at: iso(p.at) })) })),
        actions: result.actions.map((a) => ({ ...a, at: iso(a.at) })),
        refused: result.refused.map((r) => ({ ...r, at: iso(r.at) })),
      };
    },
  );

  app.post(
    '/api/workflows/backtest',
    { schema: { tags, summary: 'Replay the last N days of stored events through a draft workflow (no side effects)', body: Type.Object({ definition: Type.Unknown(), days: Type.Integer({ minimum: 1, maximum: 3650 }), maxProfiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }) } },
    async (request) => {
      const result = unwrap(await workflows.backtest(workspaceOf(request), request.body.definition, request.body.days, request.body.maxProfiles));
      return { ...result, from: iso(result.from), to: iso(result.to) };
    },
  );

  app.get('/api/workflows/:id', { schema: { tags, summary: 'A workflow with its current definition and numbers per version', params: IdParams } }, async (request) => {
    const ws = workspaceOf(request);
    const w = unwrap(await workflows.get(ws, request.params.id));
    return { workflow: view(w), versions: unwrap(await workflows.stats(ws, w.id)) };
  });

  app.put('/api/workflows/:id', { schema: { tags, summary: 'Save a new version (people inside finish on theirs unless migrated)', params: IdParams, body } }, async (request) => ({
    workflow: view(unwrap(await workflows.update(workspaceOf(request), request.params.id, request.body))),
  }));

  for (const [action, summary] of [
    ['pause', 'Pause: everyone holds at their step and nobody enters'],
    ['resume', 'Resume a paused workflow'],
    ['archive', 'Archive: everyone exits now; the workflow can no longer change'],
  ] as const) {
    app.post(`/api/workflows/:id/${action}`, { schema: { tags, summary, params: IdParams } }, async (request) => {
      const ws = workspaceOf(request);
      if (action === 'archive') {
        const { exited, ...w } = unwrap(await workflows.archive(ws, request.params.id));
        return { workflow: view(w), exited };
      }
      return { workflow: view(unwrap(await workflows.setPaused(ws, request.params.id, action === 'pause'))) };
    });
  }

  app.post(
    '/api/workflows/:id/migrate',
    {
      schema: {
        tags,
        summary: 'Move the runs of an old version to the current one, step by step (dryRun: preview the mapping and counts)',
        params: IdParams,
        body: Type.Object({ fromVersion: Type.Integer({ minimum: 1 }), mapping: Type.Optional(Type.Record(Type.String(), Type.String())), dryRun: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) =>
      unwrap(await workflows.migrate(workspaceOf(request), request.params.id, request.body.fromVersion, request.body.mapping ?? {}, { dryRun: request.body.dryRun === true })),
  );

  app.get(
    '/api/workflows/:id/versions/:version',
    {
      schema: {
        tags,
        summary: "One version's definition as saved (the web app's version selector)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => {
      const found = await workflows.version(workspaceOf(request), request.params.id, request.params.version);
      if (!found.ok && found.error.kind === 'not_found' && found.error.what === 'version') {
        throw apiError('WORKFLOW_VERSION_NOT_FOUND', `The workflow has no version ${request.params.version}.`, { field: 'version' });
      }
      const v = unwrap(found);
      return { version: v.version, definition: v.definition, createdAt: iso(v.createdAt) };
    },
  );

  app.get('/api/workflows/:id/stats', { schema: { tags, summary: 'Per version: people at each step, entered, exited by cause, goal reached, actions; per step: outcomes (branches taken) and actions', params: IdParams } }, async (request) => ({
    versions: unwrap(await workflows.stats(workspaceOf(request), request.params.id)),
  }));

  app.get(
    '/api/workflows/:id/runs',
    { schema: { tags, summary: "A person's runs with each step's instant and each branch's evaluated values", params: IdParams, querystring: Type.Object({ profile: Type.String({ minLength: 1, maxLength: 500 }) }) } },
    async (request) => ({
      runs: unwrap(await workflows.runs(workspaceOf(request), request.params.id, request.query.profile)).map((r) => ({
        ...r,
        enteredAt: iso(r.enteredAt),
        updatedAt: iso(r.updatedAt),
        path: r.path.map((p) => ({ ...p, at: iso(p.at) })),
        actions: r.actions.map((a) => ({ ...a, dueAt: iso(a.dueAt) })),
      })),
    }),
  );
};

/** The route area: registered when the app runs workflows. */
export async function workflowsArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.workflows) await app.register(workflowRoutes, { workflows: services.workflows, workspaceOf });
}
