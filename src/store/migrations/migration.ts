/**
 * One schema change, written for both dialects. Ids are unique, applied in ascending order, and never edited
 * once released (add a new migration instead). Ranges by area: 0001–0099 store core (workspaces, profiles,
 * events), 0100–0199 engine and membership, 0200–0299 destinations, 0300–0399 email/ESP and subscriptions.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}
