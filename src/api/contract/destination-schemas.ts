import { type Static, Type } from 'typebox';

/** Which segments a destination receives. */
export const SegmentsSchema = Type.Union([Type.Literal('all'), Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 })], {
  description: '"all", or the ids of the segments whose changes this destination receives.',
});

/** Deliveries of a destination by status. */
export const CountsSchema = Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() });

/** A destination as the API returns it (never with its secret, except in the create response). */
export const DestinationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  segments: SegmentsSchema,
  emailTargeting: Type.Boolean(),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.Literal('manual'), Type.Literal('auto'), Type.Null()]),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cursorSeq: Type.Integer({ description: 'The last change-log seq turned into deliveries.' }),
  consecutiveDeadLetters: Type.Integer(),
  failingSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  counts: Type.Optional(CountsSchema),
});

/** What registering a destination answers: the destination and its signing secret, shown only then. */
export const CreatedSchema = Type.Intersect([
  DestinationSchema,
  Type.Object({ secret: Type.String({ description: 'The Standard Webhooks signing secret (`whsec_…`); shown only now.' }) }),
]);

/** One delivery attempt. */
export const AttemptSchema = Type.Object({
  n: Type.Integer(),
  startedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  outcome: Type.Union([Type.Literal('delivered'), Type.Literal('retry'), Type.Literal('dead')]),
  error: Type.Union([Type.String(), Type.Null()]),
});

/** A delivery with its attempts. */
export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The webhook-id, identical on every attempt.' }),
  seq: Type.Integer(),
  profileId: Type.String(),
  segmentId: Type.String(),
  kind: Type.Union([Type.Literal('entered'), Type.Literal('exited')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  attempts: Type.Integer({ description: 'Attempts since creation or the last replay.' }),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown({ description: 'The JSON body sent.' }),
  attemptLog: Type.Array(AttemptSchema),
});

/** A destination on the wire. */
export type ApiDestination = Static<typeof DestinationSchema>;
/** A delivery on the wire. */
export type ApiDelivery = Static<typeof DeliverySchema>;
