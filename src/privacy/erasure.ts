/**
 * Request kinds, modelled on Segment's regulation types:
 * - `SUPPRESS_WITH_DELETE` (the default of `DELETE /api/profiles/{ref}`): erase everything held and drop later
 *   messages naming any of the person's identifiers;
 * - `DELETE`: erase everything held; later messages create a new, unrelated profile;
 * - `SUPPRESS`: keep what is held, drop later messages;
 * - `UNSUPPRESS`: stop dropping messages for these identifiers.
 */
export type ErasureKind = 'SUPPRESS_WITH_DELETE' | 'DELETE' | 'SUPPRESS' | 'UNSUPPRESS';

/** Every {@link ErasureKind}, for schemas and validation. */
export const ERASURE_KINDS: readonly ErasureKind[] = ['SUPPRESS_WITH_DELETE', 'DELETE', 'SUPPRESS', 'UNSUPPRESS'];

/**
 * Where an erasure is:
 * - `exiting`: recorded; the exits and the deletion of the history are being written;
 * - `waiting`: exits written; waiting for destinations to read them and deliver the person's pending messages
 *   (their payloads need the email an ESP removes), until `deadlineAt` at the latest;
 * - `scrubbing`: everything deleted; the SQLite WAL still has to be checkpointed (a reader held it);
 * - `completed`.
 */
export type ErasureStatus = 'exiting' | 'waiting' | 'scrubbing' | 'completed';

/** One erasure request as reported by `GET /api/erasures/{id}`. Holds no identifier of the person. */
export interface Erasure {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: ErasureKind;
  readonly status: ErasureStatus;
  /** How many profiles (the person's, and the ones merged into it) it covers. */
  readonly profiles: number;
  /** Identifier hashes recorded (tombstones). */
  readonly identifiers: number;
  /** Segment exits written (cause `erased`), and the change-log seq of the last one (0: none). */
  readonly exits: number;
  readonly exitSeq: number;
  /** Rows removed per table. */
  readonly deleted: Readonly<Record<string, number>>;
  /** Messages dropped at ingestion since, because they named one of its suppressed identifiers. */
  readonly dropped: number;
  /** What it waits for, in words (null when nothing). */
  readonly detail: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deadlineAt: number;
  readonly completedAt: number | null;
}
