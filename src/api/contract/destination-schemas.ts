import { type Static, Type } from 'typebox';

/** Which segments a destination receives. */
export const SegmentsSchema = Type.Union([Type.Literal('all'), Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 })], {
  description: '"all", or the ids (or names, on input) of the segments whose changes this destination receives.',
});

/** What a destination is: a signed webhook, or a list sync to an ESP. */
export const DestinationKindSchema = Type.Union([Type.Literal('webhook'), Type.Literal('sendgrid'), Type.Literal('mailchimp'), Type.Literal('klaviyo')]);

/** A map of names to names (segment → list or tag, trait → ESP field). */
export const StringMapSchema = (description: string) => Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 200 }), { description });

/** Settings of a destination as shown (never the API key). */
export const DestinationConfigSchema = Type.Object({
  list: Type.Optional(Type.String()),
  mapping: Type.Optional(StringMapSchema('Segment id → list id (SendGrid, Klaviyo) or tag name (Mailchimp).')),
  fields: Type.Optional(StringMapSchema('segflow trait → ESP field.')),
  dataCenter: Type.Optional(Type.String()),
  statusIfNew: Type.Optional(Type.String()),
  concurrency: Type.Optional(Type.Integer()),
  timeoutMs: Type.Optional(Type.Integer()),
  consentCategories: Type.Optional(Type.Array(Type.String(), { description: 'Consent categories a person must have granted to be sent here.' })),
});

/** What the API shows of a destination's health and mapping. */
export const DestinationStateSchema = Type.Object({
  synced: Type.Integer({ description: 'Messages delivered (for ESPs: list adds and removes applied).' }),
  pending: Type.Integer(),
  dead: Type.Integer(),
  rateLimitWaits: Type.Integer({ description: 'Times the receiver answered 429 and segflow waited.' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastErrorAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  segments: Type.Array(Type.Object({ segmentId: Type.String(), target: Type.String() }), {
    description: 'Where each selected segment goes: the list id, tag name or webhook URL.',
  }),
});

/** Deliveries of a destination by status. */
export const CountsSchema = Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() });

/** A destination as the API returns it (never its secrets: a webhook's is shown only in the create response). */
export const DestinationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: DestinationKindSchema,
  url: Type.String({ description: 'The webhook URL, or the ESP API base URL.' }),
  secretHint: Type.String({ description: 'The last characters of the signing secret or API key (never the whole).' }),
  previousSecretValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'After a rotation: until when the previous signing secret still signs and is valid.',
  }),
  config: DestinationConfigSchema,
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
  state: DestinationStateSchema,
});

/** What registering a destination answers: the destination, a webhook's signing secret (shown only then), the initial sync. */
export const CreatedSchema = Type.Intersect([
  DestinationSchema,
  Type.Object({
    secret: Type.Optional(Type.String({ description: 'Webhooks: the Standard Webhooks signing secret (`whsec_…`); shown only now.' })),
    initialSync: Type.Integer({ description: 'Current members queued as the initial sync.' }),
  }),
]);

/** What a resync found and queued, per ESP list (or tag). */
export const ResyncReportSchema = Type.Object({
  seq: Type.Integer({ description: 'The change-log seq the comparison was made at.' }),
  targets: Type.Array(
    Type.Object({
      target: Type.String({ description: 'List id or Mailchimp tag.' }),
      segments: Type.Array(Type.String()),
      expected: Type.Integer({ description: 'Members segflow says belong there (email-eligible).' }),
      inEsp: Type.Union([Type.Integer(), Type.Null()], { description: 'Contacts the ESP has there; null when its API cannot list them.' }),
      added: Type.Array(Type.String(), { description: 'Emails queued to be added (all expected ones when the ESP cannot be read).' }),
      removed: Type.Array(Type.String(), { description: 'Emails queued to be removed.' }),
    }),
  ),
});

/** What rotating a destination's secret answers. */
export const RotatedSecretSchema = Type.Object({
  secret: Type.Optional(Type.String({ description: 'Webhooks: the new signing secret, shown only now.' })),
  previousSecretValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

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
/** A resync report on the wire. */
export type ApiResyncReport = Static<typeof ResyncReportSchema>;
/** A rotation's answer on the wire. */
export type ApiRotatedSecret = Static<typeof RotatedSecretSchema>;
/** A delivery on the wire. */
export type ApiDelivery = Static<typeof DeliverySchema>;
