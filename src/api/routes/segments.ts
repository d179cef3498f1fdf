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
import { type Static, type TObject, type TSchema, Type } from 'typebox';
import { AppError, isSystemSegmentName, SYSTEM_SEGMENT_PREFIX, type Segment } from '../../core/index.js';
import type { RuleProblem, SegmentFailure, SegmentInput, SegmentResult, SegmentService } from '../../engine/index.js';
import { fromRuleJson, printRule, safeParseRule } from '../../rules/index.js';
import type { Services } from '../../app/index.js';
import { workspaceOf } from '../admin-auth.js';
import type { PeopleDirectorySql } from '../../monitor/index.js';
import { membersCsv } from './members-csv.js';

const RuleProblemSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable diagnostic code, e.g. RULE1007 (docs/errors.md).' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    message: Type.String(),
    line: Type.Optional(Type.Integer({ minimum: 1 })),
    column: Type.Optional(Type.Integer({ minimum: 1 })),
    length: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { description: 'A finding about a rule, with its position in the rule text.' },
);

/** An RFC 9457 problem document as the error handler writes it (extra members allowed). */
export function problemSchema(description: string, extra: Record<string, TSchema> = {}): TObject {
  return Type.Object(
    {
      type: Type.String(),
      title: Type.String(),
      status: Type.Integer(),
      code: Type.String({ description: 'Stable error code (docs/errors.md).' }),
      detail: Type.String(),
      field: Type.Optional(Type.String()),
      instance: Type.Optional(Type.String()),
      ...extra,
    },
    { additionalProperties: true, description },
  );
}

const NotFound = problemSchema('SEGMENT_NOT_FOUND (or PROFILE_NOT_FOUND for explain).');
const BadRequest = problemSchema('VALIDATION_FAILED: the body or query does not match the schema.');
const NameTaken = problemSchema('SEGMENT_NAME_TAKEN: another segment has this name.');
const RuleInvalid = problemSchema('RULE_INVALID: the rule has errors, each with its position in the rule text (or SEGMENT_NAME_RESERVED).', {
  errors: Type.Optional(Type.Array(RuleProblemSchema)),
  warnings: Type.Optional(Type.Array(RuleProblemSchema)),
});

const RuleJsonSchema = Type.Object(
  { version: Type.Integer({ minimum: 1 }), condition: Type.Unknown() },
  { description: 'The canonical JSON form of a rule.' },
);

/** The body of create, update and dry-run. */
export const SegmentBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Unique within the workspace; what in_segment("…") refers to.' }),
    rule: Type.Union([Type.String({ minLength: 1, maxLength: 65_536 }), RuleJsonSchema], {
      description: 'Rule text, e.g. performed("Email Opened", within 7d), or the canonical JSON form.',
    }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    group: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'Exclusive group.' })),
    priority: Type.Optional(Type.Integer({ description: 'Within a group, the highest priority whose rule holds wins.' })),
  },
  { additionalProperties: false },
);

/** A segment as the API returns it. */
export const SegmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  version: Type.Integer(),
  rule: Type.String({ description: 'The rule as canonical text.' }),
  ruleJson: Type.Unknown({ description: 'The rule in canonical JSON form.' }),
  group: Type.Union([Type.String(), Type.Null()]),
  priority: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  size: Type.Optional(Type.Integer({ minimum: 0, description: 'Current number of members.' })),
});

const SavedSchema = Type.Object({ segment: SegmentSchema, warnings: Type.Array(RuleProblemSchema) });

const PersonRefSchema = Type.Object({
  profileId: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
});

const DryRunSchema = Type.Object({
  rule: Type.String({ description: 'The rule as canonical text: equal to a saved segment\'s `rule` when unchanged.' }),
  size: Type.Integer({ minimum: 0 }),
  entered: Type.Integer({ minimum: 0, description: 'Profiles that would enter compared with the current version.' }),
  exited: Type.Integer({ minimum: 0, description: 'Profiles that would exit compared with the current version.' }),
  sampleEntered: Type.Array(Type.String()),
  sampleExited: Type.Array(Type.String()),
  sampleEnteredPeople: Type.Optional(Type.Array(PersonRefSchema, { description: 'sampleEntered with each profile\'s userId and email.' })),
  sampleExitedPeople: Type.Optional(Type.Array(PersonRefSchema)),
  warnings: Type.Array(RuleProblemSchema),
  at: Type.String({ format: 'date-time', description: 'The instant the rule was evaluated at.' }),
});

const MembersSchema = Type.Object({
  members: Type.Array(
    Type.Object({
      profileId: Type.String(),
      userId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      since: Type.String({ format: 'date-time' }),
    }),
  ),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Cursor for the next page (`after`), null at the end.' }),
  total: Type.Integer({ minimum: 0 }),
});

const ExplanationSchema = Type.Object({
  segmentId: Type.String(),
  profileId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  member: Type.Boolean(),
  excludedBy: Type.Optional(Type.String({ description: 'Set when an exclusive group gives the profile to another segment.' })),
  explanation: Type.Unknown({ description: 'The rule\'s explanation tree: each condition with its value and evidence.' }),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, description: 'Segment id or name.' }) });
const tags = ['segments'];

/** What the segment routes need. `workspaceOf` names the authenticated workspace of a request. */
export interface SegmentRoutesOptions {
  readonly segments: SegmentService;
  readonly workspaceOf: (request: unknown) => string;
  /** Resolves profile ids to userId and email in member lists and dry-run samples (omitted: ids only). */
  readonly people?: PeopleDirectorySql;
}

/** The canonical text of a rule given as text or JSON (what a saved segment's `rule` holds), if it parses. */
export function canonicalRuleText(rule: SegmentInput['rule']): string | undefined {
  const parsed = typeof rule === 'string' ? safeParseRule(rule) : fromRuleJson(rule);
  return parsed.ok ? printRule(parsed.value) : undefined;
}

/** A segment in its API form. */
export function segmentView(s: Segment, size?: number): Static<typeof SegmentSchema> {
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
  };
}

/** The problem an expected segment failure becomes. `segmentRef` tells a missing segment from a missing profile. */
export function segmentProblem(failure: SegmentFailure, segmentRef?: string): AppError {
  switch (failure.kind) {
    case 'invalid_rule': {
      const errors = failure.diagnostics.filter((d) => d.severity === 'error');
      const shown = errors.length > 0 ? errors : failure.diagnostics;
      return new AppError('RULE_INVALID', 422, `The rule has ${shown.length} error(s); see errors for where and how to fix them.`, {
        field: 'rule',
        extensions: { errors: shown, warnings: failure.diagnostics.filter((d) => d.severity === 'warning') },
      });
    }
    case 'name_taken':
      return new AppError('SEGMENT_NAME_TAKEN', 409, `A segment named "${failure.name}" already exists; update it with PUT or choose another name.`, {
        field: 'name',
      });
    case 'not_found':
      if (segmentRef !== undefined && failure.id !== segmentRef) {
        return new AppError('PROFILE_NOT_FOUND', 404, `No profile is known as "${failure.id}".`);
      }
      return new AppError('SEGMENT_NOT_FOUND', 404, `No segment has the id or name "${failure.id}".`);
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
    throw new AppError('SEGMENT_NAME_RESERVED', 422, `Names starting with "${SYSTEM_SEGMENT_PREFIX}" are reserved for segments segflow maintains.`, { field: 'name' });
  }
}

/** Refuses to change or delete a segment segflow maintains itself. */
async function assertUserSegment(segments: SegmentService, workspaceId: string, ref: string): Promise<void> {
  const found = await segments.get(workspaceId, ref);
  if (found && isSystemSegmentName(found.name)) {
    throw new AppError('SEGMENT_SYSTEM', 409, `"${found.name}" is maintained by segflow and cannot be changed or deleted.`);
  }
}

/** Registers the `/api/segments` routes. */
export const segmentRoutes: FastifyPluginAsyncTypebox<SegmentRoutesOptions> = async (app, options) => {
  const { segments, workspaceOf, people } = options;
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
    { schema: { tags, summary: 'Create a segment (backfills it over the stored history)', body: SegmentBodySchema, response: { 201: SavedSchema, 400: BadRequest, 409: NameTaken, 422: RuleInvalid } } },
    async (request, reply) => {
      const ws = workspaceOf(request);
      assertUserName(request.body.name);
      const { value, warnings } = unwrap(await segments.create(ws, request.body));
      void reply.code(201).header('location', `/api/segments/${encodeURIComponent(value.id)}`);
      return { segment: segmentView(value, await sizeOf(segments, ws, value.id)), warnings: [...warnings] };
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
        warnings: [...(value.warnings.length > 0 ? value.warnings : warnings)],
        at: new Date(value.at).toISOString(),
      };
    },
  );

  app.get(
    '/api/segments/:id',
    { schema: { tags, summary: 'Read a segment by id or name, with its size', params: IdParams, response: { 200: Type.Object({ segment: SegmentSchema }), 404: NotFound } } },
    async (request) => {
      const ws = workspaceOf(request);
      const found = await segments.get(ws, request.params.id);
      if (!found) throw segmentProblem({ kind: 'not_found', id: request.params.id });
      return { segment: segmentView(found, await sizeOf(segments, ws, found.id)) };
    },
  );

  app.put(
    '/api/segments/:id',
    { schema: { tags, summary: 'Save a new version of a segment', params: IdParams, body: SegmentBodySchema, response: { 200: SavedSchema, 400: BadRequest, 404: NotFound, 409: NameTaken, 422: RuleInvalid } } },
    async (request) => {
      const ws = workspaceOf(request);
      assertUserName(request.body.name);
      await assertUserSegment(segments, ws, request.params.id);
      const { value, warnings } = unwrap(await segments.update(ws, request.params.id, request.body));
      return { segment: segmentView(value, await sizeOf(segments, ws, value.id)), warnings: [...warnings] };
    },
  );

  app.delete(
    '/api/segments/:id',
    { schema: { tags, summary: 'Delete a segment (its members exit)', params: IdParams, response: { 200: Type.Object({ segment: SegmentSchema }), 404: NotFound } } },
    async (request) => {
      await assertUserSegment(segments, workspaceOf(request), request.params.id);
      const { value } = unwrap(await segments.delete(workspaceOf(request), request.params.id));
      return { segment: segmentView(value) };
    },
  );

  app.get(
    '/api/segments/:id/members',
    {
      schema: {
        tags,
        summary: 'Current members with userId and email, cursor-paged; ?format=csv streams them all as CSV',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
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
  if (services.segments) await app.register(segmentRoutes, { segments: services.segments, workspaceOf, ...(services.monitor ? { people: services.monitor.people } : {}) });
}
