import { type Static, Type } from 'typebox';

/** A profile's latest score of one model, as the API returns it. */
export const ScoreSchema = Type.Object({
  name: Type.String({ description: 'The score name rules read with score("NAME").' }),
  value: Type.Number(),
  version: Type.String({ description: 'The model version that produced it; "external" when set through the admin API.' }),
  scoredAt: Type.String({ format: 'date-time' }),
  seq: Type.Integer({ description: 'Log position of the system `score` event that set it.' }),
});

/** A score on the wire. */
export type ApiScore = Static<typeof ScoreSchema>;
