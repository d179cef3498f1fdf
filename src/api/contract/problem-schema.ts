import { type Static, type TObject, type TSchema, Type } from 'typebox';

/** A finding about a rule (error or warning), as `errors` and `warnings` carry it. */
export const RuleProblemSchema = Type.Object(
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

/** A rule finding on the wire. */
export type ApiRuleProblem = Static<typeof RuleProblemSchema>;

/** An RFC 9457 problem document as a client reads it (the members every segflow problem has, plus the rule findings). */
export interface ApiProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly field?: string;
  readonly instance?: string;
  readonly errors?: readonly ApiRuleProblem[];
  readonly warnings?: readonly ApiRuleProblem[];
  readonly [extension: string]: unknown;
}
