/**
 * @module
 * Scores on the admin API: `PUT /api/profiles/{ref}/scores/{name}` sets an externally computed score (the only
 * way besides segflow's own models: `/v1` ingestion never moves a score), and `GET /api/profiles/{ref}/scores`
 * lists a profile's latest score per model with its model version and instant.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type AppError, assertNever } from '../../core/index.js';
import type { ProfileScore, ScoreService, SetScoreFailure } from '../../predict/index.js';
import { workspaceOf } from '../admin-auth.js';
import { type ApiScore, problemSchema, ScoreSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { Services } from '../services.js';

const RefParam = Type.String({ minLength: 1, maxLength: 1100, description: 'prof_…, a userId, an anonymousId or email:<address>' });
const NameParam = Type.String({ minLength: 1, maxLength: 64, description: 'The score name rules read with score("NAME").' });

/** Options of {@link scoreRoutes}. */
export interface ScoreRoutesOptions {
  readonly scores: ScoreService;
  readonly workspaceOf: (request: unknown) => string;
}

/** A score in its API form. */
export const scoreView = (s: ProfileScore): ApiScore => ({
  name: s.model,
  value: s.value,
  version: s.version,
  scoredAt: new Date(s.scoredAt).toISOString(),
  seq: s.seq,
});

function refusal(failure: SetScoreFailure, ref: string, name: string): AppError {
  switch (failure.kind) {
    case 'profile_not_found':
      return apiError('PROFILE_NOT_FOUND', `No profile is known by "${ref}".`, { field: 'ref' });
    case 'invalid_name':
      return apiError('SCORE_NAME_INVALID', `"${name}" is not a score name: use letters, digits, _ . - (at most 64, not starting with a digit).`, {
        field: 'name',
      });
    case 'invalid_value':
      return apiError('VALIDATION_FAILED', 'value must be a finite number.', { field: 'body.value' });
    default:
      return assertNever(failure);
  }
}

/** Registers the score routes. */
export const scoreRoutes: FastifyPluginAsyncTypebox<ScoreRoutesOptions> = async (app, { scores, workspaceOf: ws }) => {
  app.put(
    '/api/profiles/:ref/scores/:name',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Set an externally computed score on a profile',
        description:
          'Appends a system `score` event (rules see it at `at`, default now; memberships follow as for any event) and updates the latest score. Writing the same value again changes nothing.',
        security: [{ adminKey: [] }],
        params: Type.Object({ ref: RefParam, name: NameParam }),
        body: Type.Object(
          {
            value: Type.Number(),
            at: Type.Optional(Type.String({ format: 'date-time', description: 'The instant the score holds from (default now).' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ profileId: Type.String(), changed: Type.Boolean(), score: ScoreSchema }),
          404: problemSchema('PROFILE_NOT_FOUND: no profile is known by that reference.'),
          422: problemSchema('SCORE_NAME_INVALID: the name is not a score name.'),
        },
      },
    },
    async (request) => {
      const { ref, name } = request.params;
      let at: number | undefined;
      if (request.body.at !== undefined) {
        at = Date.parse(request.body.at);
        if (!Number.isFinite(at)) throw apiError('VALIDATION_FAILED', '"at" must be an ISO 8601 instant.', { field: 'body.at' });
      }
      const result = await scores.setExternal(ws(request), ref, name, request.body.value, at);
      if (!result.ok) throw refusal(result.failure, ref, name);
      return { profileId: result.score.profileId, changed: result.changed, score: scoreView(result.score) };
    },
  );

  app.get(
    '/api/profiles/:ref/scores',
    {
      schema: {
        tags: ['profiles'],
        summary: "A profile's latest score of every model",
        security: [{ adminKey: [] }],
        params: Type.Object({ ref: RefParam }),
        response: {
          200: Type.Object({ profileId: Type.String(), scores: Type.Array(ScoreSchema) }),
          404: problemSchema('PROFILE_NOT_FOUND: no profile is known by that reference.'),
        },
      },
    },
    async (request) => {
      const { ref } = request.params;
      const found = await scores.forProfile(ws(request), ref);
      if (found === undefined) throw apiError('PROFILE_NOT_FOUND', `No profile is known by "${ref}".`, { field: 'ref' });
      return { profileId: found.profileId, scores: found.scores.map(scoreView) };
    },
  );
};

/** The scores route area (see `routes/index.ts`): registers when the app provides the score service. */
export async function scoresArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.scores) await app.register(scoreRoutes, { scores: services.scores, workspaceOf });
}
