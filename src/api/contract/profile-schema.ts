import { type Static, Type } from 'typebox';
import { ScoreSchema } from './score-schema.js';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

/** A stored event as the API returns it. */
export const EventSchema = Type.Object({
  seq: Type.Integer({ description: 'Position in the event log; pass as `before` for the next page.' }),
  messageId: Type.String(),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
  anonymousId: Type.Union([Type.String(), Type.Null()]),
  timestamp: Iso,
  receivedAt: Iso,
  properties: Type.Record(Type.String(), Type.Unknown()),
  traits: Type.Record(Type.String(), Type.Unknown()),
  context: Type.Record(Type.String(), Type.Unknown()),
});

/** A profile with a page of its events. */
export const ProfileSchema = Type.Object({
  id: Type.String(),
  traits: Type.Record(Type.String(), Type.Unknown()),
  identities: Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), firstSeenAt: Iso })),
  subscription: Type.Object({
    state: Type.String({ description: 'unknown | subscribed | unsubscribed | hard_bounced | complained' }),
    changedAt: IsoOrNull,
    reason: Type.Union([Type.String(), Type.Null()]),
    consent: Type.Record(Type.String(), Type.Boolean()),
  }),
  firstSeenAt: IsoOrNull,
  lastSeenAt: IsoOrNull,
  createdAt: Iso,
  updatedAt: Iso,
  segments: Type.Array(
    Type.Object({ segmentId: Type.String(), name: Type.String(), since: Iso }),
    { description: 'The segments the person is in now, with the instant they (last) entered (empty without the monitor).' },
  ),
  events: Type.Object({
    items: Type.Array(EventSchema),
    nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Cursor of the next (older) page; null at the end.' }),
  }),
  scores: Type.Optional(Type.Array(ScoreSchema, { description: 'The latest score of every model (present when predictions run).' })),
});

/** A stored event on the wire. */
export type ApiEvent = Static<typeof EventSchema>;
/** A profile on the wire. */
export type ApiProfile = Static<typeof ProfileSchema>;
