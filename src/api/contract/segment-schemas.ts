import { type Static, Type } from 'typebox';
import { RuleProblemSchema } from './problem-schema.js';

/** The canonical JSON form of a rule. */
export const RuleJsonSchema = Type.Object(
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
/** Where a segment's background backfill stands (its last one: running, or done). */
export const BackfillSchema = Type.Object({
  state: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  version: Type.Integer({ description: 'The segment version being (or last) backfilled.' }),
  done: Type.Integer({ minimum: 0, description: 'Stored events of the workspace whose profiles the backfill has passed.' }),
  total: Type.Integer({ minimum: 0, description: 'Stored events of the workspace when the backfill started (0 until its first slice).' }),
  startedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

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
  backfill: Type.Optional(BackfillSchema),
});

/** What create and update answer: the saved segment and the linter's warnings. */
export const SavedSchema = Type.Object({ segment: SegmentSchema, warnings: Type.Array(RuleProblemSchema) });

/** What a dry run answers. */
/** A person beside segflow's internal id: their userId and email, when known. */
export const PersonRefSchema = Type.Object({
  profileId: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
});

export const DryRunSchema = Type.Object({
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

/** A page of members (at most 1000 per page: `limit` is capped there). */
export const MembersSchema = Type.Object({
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

/** Why a profile is or is not in a segment. */
export const ExplanationSchema = Type.Object({
  segmentId: Type.String(),
  profileId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  member: Type.Boolean(),
  excludedBy: Type.Optional(Type.String({ description: 'Set when an exclusive group gives the profile to another segment.' })),
  explanation: Type.Unknown({ description: 'The rule\'s explanation tree: each condition with its value and evidence.' }),
});

/** The body of create, update and dry-run. */
export type ApiSegmentBody = Static<typeof SegmentBodySchema>;
/** A segment on the wire. */
export type ApiSegment = Static<typeof SegmentSchema>;
/** What create and update answer. */
export type ApiSavedSegment = Static<typeof SavedSchema>;
/** What a dry run answers. */
export type ApiDryRun = Static<typeof DryRunSchema>;
/** A page of members. */
export type ApiMemberPage = Static<typeof MembersSchema>;
/** An explanation on the wire. */
export type ApiExplanation = Static<typeof ExplanationSchema>;
