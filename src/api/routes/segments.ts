/**
 * @module
 * The segments admin API: create, list, read (with size), update (a new version), delete, dry-run (size and
 * +entered / −exited against the current version, without saving), members (cursor-paged) and explain (why a
 * profile is in or out). Every body and response has a TypeBox schema, so all of it appears in
 * `/api/openapi.json`. Expected failures become problem documents: an invalid rule is 422 `RULE_INVALID` with
 * the diagnostics in `errors`; an unknown segment 404 `SEGMENT_NOT_FOUND`; a taken name 409
 * `SEGMENT_NAME_TAKEN`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { type AppError, assertNever, isSystemSegmentName, SYSTEM_SEGMENT_PREFIX, type Segment } from '../../core/index.js';
import type { BackfillStatus, RuleProblem, SegmentFailure, SegmentInput, SegmentResult, SegmentService } from '../../engine/index.js';
import { fromRuleJson, printRule, safeParseRule } from '../../rules/index.js';
import type { Services } from '../services.js';
import { workspaceOf } from '../admin-auth.js';
import { auditDetail } from '../audit-hook.js';
import type { PeopleDirectorySql } from '../../monitor/index.js';
import { membersCsv } from './members-csv.js';
import {
  DryRunSchema,
  ExplanationSchema,
  MembersSchema,
  problemSchema,
  RuleProblemSchema,
  SavedSchema,
  SegmentBodySchema,
  SegmentSchema,
} from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import { lintSegment } from './segment-lint.js';

const NotFound = problemSchema('SEGMENT_NOT_FOUND (or PROFILE_NOT_FOUND for explain).');
const BadRequest = problemSchema('VALIDATION_FAILED: the body or query does not match the schema.');
const NameTaken = problemSchema('SEGMENT_NAME_TAKEN: another segment has this name.');
const HasDependents = problemSchema('SEGMENT_HAS_DEPENDENTS (or SEGMENT_SYSTEM): other segments read this one through in_segment.', {
  dependents: Type.Optional(Type.Array(Type.String(), { description: 'Names of the segments that read this one.' })),
});
const RuleInvalid = problemSchema('RULE_INVALID: the rule has errors, each with its position in the rule text (or SEGMENT_NAME_RESERVED).', {
  errors: Type.Optional(Type.Array(RuleProblemSchema)),
  warnings: Type.Optional(Type.Array(RuleProblemSchema)),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, description: 'Segment id or name.' }) });
const tags = ['segments'];

/** What the segment routes need. `workspaceOf` names the authenticated workspace of a request. */
export interface SegmentRoutesOptions {
  readonly segments: SegmentService;
  readonly workspaceOf: (request: unknown) => string;
  /** Resolves profile ids to userId and email in member lists and dry-run samples (omitted: ids only). */
  readonly people?: PeopleDirectorySql;
  /** The workspace's event retention in days (null: keeps all), for warning RULE3008 on save (omitted: none). */
  readonly retentionDays?: (workspaceId: string) => Promise<number | null>;
}

/** The canonical text of a rule given as text or JSON (what a saved segment's `rule` holds), if it parses. */
export function canonicalRuleText(rule: SegmentInput['rule']): string | undefined {
  const parsed = typeof rule === 'string' ? safeParseRule(rule) : fromRuleJson(rule);
  return parsed.ok ? printRule(parsed.value) : undefined;
}

/** A segment in its API form. */
export function segmentView(s: Segment, size?: number, backfill?: BackfillStatus): Static<typeof SegmentSchema> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    version: s.version,
    rule: s.ruleText,
    ruleJson: s.ruleJson,
    group: s.group,
    priority: s.priority,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    ...(size === undefined ? {} : { size }),
    ...(backfill === undefined
      ? {}
      : {
          backfill: {
            state: backfill.state,
            version: backfill.version,
            done: backfill.done,
            total: backfill.total,
            startedAt: new Date(backfill.startedAt).toISOString(),
            updatedAt: new Date(backfill.updatedAt).toISOString(),
          },
        }),
  };
}

const WaitQuery = Type.Object({
  wait: Type.Optional(
    Type.Boolean({
      default: true,
      description: 'Answer once the backfill this change starts is done (default); false answers at once, `GET /api/segments/{id}` then shows its progress.',
    }),
  ),
});

/** The problem an expected segment failure becomes. `segmentRef` tells a missing segment from a missing profile. */
export function segmentProblem(failure: SegmentFailure, segmentRef?: string): AppError {
  switch (failure.kind) {
    case 'invalid_rule': {
      const errors = failure.diagnostics.filter((d) => d.severity === 'error');
      const shown = errors.length > 0 ? errors : failure.diagnostics;
      return apiError('RULE_INVALID', `The rule has ${shown.length} error(s); see errors for where and how to fix them.`, {
        field: 'rule',
        extensions: { errors: shown, warnings: failure.diagnostics.filter((d) => d.severity === 'warning') },
      });
    }
    case 'name_taken':
      return apiError('SEGMENT_NAME_TAKEN', `A segment named "${failure.name}" already exists; update it with PUT or choose another name.`, {
        field: 'name',
      });
    case 'not_found':
      if (segmentRef !== undefined && failure.id !== segmentRef) {
        return apiError('PROFILE_NOT_FOUND', `No profile is known as "${failure.id}".`);
      }
      return apiError('SEGMENT_NOT_FOUND', `No segment has the id or name "${failure.id}".`);
    case 'has_dependents':
      return apiError(
        'SEGMENT_HAS_DEPENDENTS',
        `"${failure.name}" is read through in_segment by ${failure.dependents.map((d) => `"${d}"`).join(', ')}; deleting it would empty them. ` +
          'Edit or delete those first, or send ?cascade=true to delete it anyway.',
        { extensions: { dependents: [...failure.dependents] } },
      );
    default:
      return assertNever(failure);
  }
}

function unwrap<T>(result: SegmentResult<T>, segmentRef?: string): { value: T; warnings: readonly RuleProblem[] } {
  if (!result.ok) throw segmentProblem(result.error, segmentRef);
  return { value: result.value, warnings: result.warnings };
}

async function sizeOf(segments: SegmentService, workspaceId: string, id: string): Promise<number | undefined> {
  const page = await segments.members(workspaceId, id, { limit: 1 });
  return page.ok ? page.value.total : undefined;
}

/** Refuses a reserved (system) name for a user's segment. */
function assertUserName(name: string): void {
  if (isSystemSegmentName(name)) {
    throw apiError('SEGMENT_NAME_RESERVED', `Names starting with "${SYSTEM_SEGMENT_PREFIX}" are reserved for segments segflow maintains.`, { field: 'name' });
  }
}

/** Refuses to change or delete a segment segflow maintains itself. */
async function assertUserSegment(segments: SegmentService, workspaceId: string, ref: string): Promise<void> {
  const found = await segments.get(workspaceId, ref);
  if (found && isSystemSegmentName(found.name)) {
    throw apiError('SEGMENT_SYSTEM', `"${found.name}" is maintained by segflow and cannot be changed or deleted.`);
  }
}

/** Registers the `/api/segments` routes. */
export const segmentRoutes: FastifyPluginAsyncTypebox<SegmentRoutesOptions> = async (app, options) => {
  const { segments, workspaceOf, people } = options;
  const retentionOf = async (ws: string): Promise<number | null> => (options.retentionDays ? await options.retentionDays(ws) : null);
  const peopleOf = async (ws: string, ids: readonly string[]) => {
    if (!people) return undefined;
    const contacts = await people.contactsOf(ws, ids);
    return ids.map((profileId) => ({ profileId, ...contacts.get(profileId)! }));
  };

  app.get(
    '/api/segments',
    {
      schema: {
        tags,
        summary: 'List segments with their sizes (system segments such as __email_eligible only with ?system=true)',
        querystring: Type.Object({ system: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: Type.Object({ segments: Type.Array(SegmentSchema) }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const list = (await segments.list(ws)).filter((s) => request.query.system === true || !isSystemSegmentName(s.name));
      const views = await Promise.all(list.map(async (s) => segmentView(s, await sizeOf(segments, ws, s.id))));
      return { segments: views };
    },
  );

  app.post(
    '/api/segments',
    {
      schema: {
        tags,
        summary: 'Create a segment (backfills it over the stored history, in the background)',
        querystring: WaitQuery,
        body: SegmentBodySchema,
        response: { 201: SavedSchema, 400: BadRequest, 409: NameTaken, 422: RuleInvalid },
      },
    },
    async (request, reply) => {
      const ws = workspaceOf(request);
      assertUserName(request.body.name);
      const { value, warnings } = unwrap(await segments.create(ws, request.body, { wait: request.query.wait !== false }));
      auditDetail(request, { segment: value.id, version: value.version, rule: { before: null, after: value.ruleText } });
      void reply.code(201).header('location', `/api/segments/${encodeURIComponent(value.id)}`);
      const backfill = await segments.backfill(ws, value.id);
      return { segment: segmentView(value, await sizeOf(segments, ws, value.id), backfill), warnings: await lintSegment(segments, ws, request.body, warnings, await retentionOf(ws)) };
    },
  );

  app.post(
    '/api/segments/dry-run',
    { schema: { tags, summary: 'Size and diff of a rule against the current version, without saving', body: SegmentBodySchema, response: { 200: DryRunSchema, 400: BadRequest, 422: RuleInvalid } } },
    async (request) => {
      const ws = workspaceOf(request);
      const { value, warnings } = unwrap(await segments.dryRun(ws, request.body));
      const enteredPeople = await peopleOf(ws, value.sampleEntered);
      const exitedPeople = await peopleOf(ws, value.sampleExited);
      return {
        ...value,
        ...(enteredPeople ? { sampleEnteredPeople: enteredPeople } : {}),
        ...(exitedPeople ? { sampleExitedPeople: exitedPeople } : {}),
        rule: canonicalRuleText(request.body.rule) ?? '',
        sampleEntered: [...value.sampleEntered],
        sampleExited: [...value.sampleExited],
        warnings: await lintSegment(segments, ws, request.body, value.warnings.length > 0 ? value.warnings : warnings, await retentionOf(ws)),
        at: new Date(value.at).toISOString(),
      };
    },
  );

  app.get(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: 'Read a segment by id or name, with its size and its backfill\'s progress',
        params: IdParams,
        response: { 200: Type.Object({ segment: SegmentSchema }), 404: NotFound },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const found = await segments.get(ws, request.params.id);
      if (!found) throw segmentProblem({ kind: 'not_found', id: request.params.id });
      return { segment: segmentView(found, await sizeOf(segments, ws, found.id), await segments.backfill(ws, found.id)) };
    },
  );

  app.put(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: 'Save a new version of a segment (backfilled in the background)',
        params: IdParams,
        querystring: WaitQuery,
        body: SegmentBodySchema,
        response: { 200: SavedSchema, 400: BadRequest, 404: NotFound, 409: NameTaken, 422: RuleInvalid },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      assertUserName(request.body.name);
      await assertUserSegment(segments, ws, request.params.id);
      const before = await segments.get(ws, request.params.id);
      const { value, warnings } = unwrap(await segments.update(ws, request.params.id, request.body, { wait: request.query.wait !== false }));
      auditDetail(request, { segment: value.id, version: value.version, rule: { before: before?.ruleText ?? null, after: value.ruleText } });
      const backfill = await segments.backfill(ws, value.id);
      return { segment: segmentView(value, await sizeOf(segments, ws, value.id), backfill), warnings: await lintSegment(segments, ws, request.body, warnings, await retentionOf(ws)) };
    },
  );

  app.delete(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: 'Delete a segment (its members exit); refused while other segments read it through in_segment',
        params: IdParams,
        querystring: Type.Object({
          ...WaitQuery.properties,
          cascade: Type.Optional(
            Type.Boolean({ default: false, description: 'Delete even though other segments read this one (they then see it as empty).' }),
          ),
        }),
        response: { 200: Type.Object({ segment: SegmentSchema }), 404: NotFound, 409: HasDependents },
      },
    },
    async (request) => {
      await assertUserSegment(segments, workspaceOf(request), request.params.id);
      const { value } = unwrap(await segments.delete(workspaceOf(request), request.params.id, {
        cascade: request.query.cascade === true,
        wait: request.query.wait !== false,
      }));
      auditDetail(request, { segment: value.id, version: value.version, rule: { before: value.ruleText, after: null } });
      return { segment: segmentView(value) };
    },
  );

  app.get(
    '/api/segments/:id/members',
    {
      schema: {
        tags,
        summary: 'Current members with userId and email, cursor-paged (at most 1000 per page); ?format=csv streams them all as CSV',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Members per page: 100 by default, at most 1000 (more is 400 VALIDATION_FAILED).' }),
          ),
          after: Type.Optional(Type.String({ description: 'The `next` cursor of the previous page.' })),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: 'csv: every member, streamed (profileId,userId,email,since).' })),
        }),
        response: { 200: MembersSchema, 400: BadRequest, 404: NotFound },
      },
    },
    async (request, reply) => {
      const ws = workspaceOf(request);
      const { limit = 100, after, format } = request.query;
      if (format === 'csv') {
        // Check the segment first, so an unknown one is a 404 problem rather than a broken download.
        unwrap(await segments.members(ws, request.params.id, { limit: 1 }));
        const name = (await segments.get(ws, request.params.id))?.name ?? request.params.id;
        void reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}-members.csv"`)
          .header('cache-control', 'no-store');
        // The stream bypasses the JSON response schema (the route's 200 schema describes the JSON form).
        return reply.send(membersCsv(segments, people, ws, request.params.id) as never);
      }
      const { value } = unwrap(await segments.members(ws, request.params.id, after === undefined ? { limit } : { limit, after }));
      const contacts = people ? await people.contactsOf(ws, value.members.map((m) => m.profileId)) : undefined;
      return {
        members: value.members.map((m) => ({ profileId: m.profileId, ...contacts?.get(m.profileId), since: new Date(m.since).toISOString() })),
        next: value.next,
        total: value.total,
      };
    },
  );

  app.get(
    '/api/segments/:id/explain/:profile',
    {
      schema: {
        tags,
        summary: 'Why a profile is or is not in a segment now',
        params: Type.Object({
          id: Type.String({ minLength: 1, description: 'Segment id or name.' }),
          profile: Type.String({ minLength: 1, description: 'A profile id, userId, anonymousId or email:<address>.' }),
        }),
        response: { 200: ExplanationSchema, 404: NotFound },
      },
    },
    async (request) => {
      const { id, profile } = request.params;
      const { value } = unwrap(await segments.explain(workspaceOf(request), id, profile), id);
      return { ...value, at: new Date(value.at).toISOString() };
    },
  );
};

/** The segments route area (see `routes/index.ts`): registers when the app provides a segment service. */
export async function segmentsArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.segments) {
    const privacy = services.privacy;
    await app.register(segmentRoutes, {
      segments: services.segments,
      workspaceOf,
      ...(services.monitor ? { people: services.monitor.people } : {}),
      ...(privacy ? { retentionDays: async (ws: string) => (await privacy.retention(ws)).retention.eventsDays } : {}),
    });
  }
}
