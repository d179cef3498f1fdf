import { type Static, Type } from 'typebox';

/** A membership change as the API returns it. */
export const ChangeSchema = Type.Object({
  seq: Type.Integer({ description: 'Position in the change log: the cursor.' }),
  segmentId: Type.String(),
  segmentName: Type.Optional(Type.String()),
  segmentVersion: Type.Integer(),
  profileId: Type.String(),
  userId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The person\'s userId, when known.' })),
  email: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The person\'s email, when known.' })),
  kind: Type.Union([Type.Literal('entered'), Type.Literal('exited')]),
  at: Type.String({ format: 'date-time', description: 'The logical instant of the change (event time, window expiry).' }),
  recordedAt: Type.String({ format: 'date-time' }),
  cause: Type.Unknown({ description: 'Why: { kind: event | timer | backfill | rule_edit | segment_deleted | … }.' }),
});

/** A membership change on the wire. */
export type ApiChange = Static<typeof ChangeSchema>;
