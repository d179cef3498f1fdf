import { type Static, Type } from 'typebox';

/** An erasure request kind (Segment's regulation types). */
export const ErasureKindSchema = Type.Union(
  [Type.Literal('SUPPRESS_WITH_DELETE'), Type.Literal('DELETE'), Type.Literal('SUPPRESS'), Type.Literal('UNSUPPRESS')],
  { description: 'SUPPRESS_WITH_DELETE (erase and drop later messages), DELETE (erase), SUPPRESS (drop later messages), UNSUPPRESS.' },
);

/** An erasure and its progress (docs/privacy.md). Holds no identifier of the person. */
export const ErasureSchema = Type.Object({
  id: Type.String(),
  kind: ErasureKindSchema,
  status: Type.Union([Type.Literal('exiting'), Type.Literal('waiting'), Type.Literal('scrubbing'), Type.Literal('completed')]),
  profiles: Type.Integer({ description: 'Profiles covered (the person’s and those merged into it).' }),
  identifiers: Type.Integer({ description: 'Identifier hashes recorded as tombstones.' }),
  exits: Type.Integer({ description: 'Segment exits written with cause `erased`.' }),
  exitSeq: Type.Integer({ description: 'Change-log seq of the last exit (0: none).' }),
  deleted: Type.Record(Type.String(), Type.Integer(), { description: 'Rows removed per table.' }),
  dropped: Type.Integer({ description: 'Messages dropped at ingestion since, naming a suppressed identifier.' }),
  detail: Type.Union([Type.String(), Type.Null()], { description: 'What it waits for, if anything.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deadlineAt: Type.String({ format: 'date-time', description: 'The data is deleted by then even if destinations lag.' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** The wire form of an erasure. */
export type ApiErasure = Static<typeof ErasureSchema>;
