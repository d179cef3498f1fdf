import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { err, ok, type EventType, type JsonObject, type Result } from '../core/index.js';
import { ingestProblem, type IngestProblem } from './ingest-problem.js';
import { ingestLimits } from './limits.js';

const Id = Type.Union([Type.String({ maxLength: ingestLimits.maxIdLength }), Type.Number(), Type.Null()]);
const Obj = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);
const OptionalString = Type.Optional(Type.Union([Type.String(), Type.Null()]));
const DateString = Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()]));

/**
 * The fields of a Segment-spec message (track, identify, page, screen, group, alias) with their spec types.
 * Every call type shares this shape; which fields are required depends on the type and is checked after the
 * schema (so that a missing field gets its own code). Unknown top-level fields are allowed, as Segment does.
 */
export const SegmentMessageSchema = Type.Object({
  type: Type.Optional(Type.String()),
  messageId: Type.Optional(Type.Union([Type.String({ maxLength: ingestLimits.maxIdLength }), Type.Null()])),
  userId: Type.Optional(Id),
  anonymousId: Type.Optional(Id),
  event: OptionalString,
  name: OptionalString,
  category: OptionalString,
  groupId: Type.Optional(Id),
  previousId: Type.Optional(Id),
  properties: Type.Optional(Obj),
  traits: Type.Optional(Obj),
  context: Type.Optional(Obj),
  integrations: Type.Optional(Obj),
  timestamp: DateString,
  originalTimestamp: DateString,
  sentAt: DateString,
  receivedAt: DateString,
  writeKey: Type.Optional(Type.String()),
});

/** The body of `POST /v1/batch`: the messages, optional batch-level `sentAt`, `context` and `writeKey`. */
export const BatchSchema = Type.Object({
  batch: Type.Array(Type.Unknown()),
  sentAt: DateString,
  context: Type.Optional(Obj),
  writeKey: Type.Optional(Type.String()),
});

/** A batch body as the schema admits it. */
export type BatchBody = Static<typeof BatchSchema>;

const messageValidator = Compile(SegmentMessageSchema);
const batchValidator = Compile(BatchSchema);

const EVENT_TYPES: readonly EventType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A validated Segment message: ids as non-empty strings or null, objects always present, dates parsed. */
export interface SegmentMessage {
  readonly type: EventType;
  readonly messageId: string | null;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** `track`: the event name; `page`/`screen`: the name when given. */
  readonly name: string | null;
  readonly category: string | null;
  readonly groupId: string | null;
  readonly previousId: string | null;
  readonly properties: JsonObject;
  readonly traits: JsonObject;
  readonly context: JsonObject;
  /** Epoch ms of the message's own date fields, when present. */
  readonly timestamp: number | null;
  readonly originalTimestamp: number | null;
  readonly sentAt: number | null;
}

/** The outcome of validating one message: the typed message, or why it was refused. */
export type ValidationResult =
  | {
      readonly ok: true;
      readonly message: SegmentMessage;
      /** Size of the message serialised as JSON, in bytes (what the 32 KB limit and the queue's byte bound count). */
      readonly bytes: number;
    }
  | { readonly ok: false; readonly problem: IngestProblem };

/** A checked batch envelope: its messages (not yet validated one by one), `sentAt` and batch `context`. */
export interface BatchEnvelope {
  readonly messages: readonly unknown[];
  readonly sentAt: number | null;
  readonly context: JsonObject;
}

/** The outcome of validating a batch envelope (not its messages). */
export type BatchValidationResult = Result<BatchEnvelope, IngestProblem>;

/** Appends a key to a field path: `batch[2]` + `properties` → `batch[2].properties`. */
function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (base === '') return safe === key ? key : `[${safe}]`;
  return safe === key ? `${base}.${key}` : `${base}[${safe}]`;
}

/** Converts a JSON pointer (`/a/0/b`) from the schema validator into a field path (`a[0].b`). */
function pointerToPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(key) ? joinPath(path, Number(key)) : joinPath(path, key);
  }
  return path;
}

/**
 * Rejects prototype-polluting keys (`__proto__`, `constructor`, `prototype`) anywhere in a value and nesting
 * deeper than {@link ingestLimits.maxDepth}. Iterative, so a hostile depth cannot overflow the stack.
 */
export function checkStructure(value: unknown, base: string): IngestProblem | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // Paths are built only for the problem, from parent links: building one per key for every valid message
  // was most of this function's cost. Primitives are never pushed (they cannot fail).
  const stack: Frame[] = [{ value, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.depth > ingestLimits.maxDepth) {
      return ingestProblem('INGEST_TOO_DEEP', pathOf(item, base), `Nesting deeper than ${ingestLimits.maxDepth} levels.`);
    }
    const depth = item.depth + 1;
    if (Array.isArray(item.value)) {
      const items = item.value as unknown[];
      for (let i = 0; i < items.length; i++) {
        const v = items[i];
        if (v !== null && typeof v === 'object') stack.push({ value: v, parent: item, key: i, depth });
      }
      continue;
    }
    const object = item.value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (FORBIDDEN_KEYS.has(key)) {
        const path = joinPath(pathOf(item, base), key);
        return ingestProblem('INGEST_FORBIDDEN_KEY', path, `The key "${key}" is not allowed anywhere in a message.`);
      }
      const v = object[key];
      if (v !== null && typeof v === 'object') stack.push({ value: v, parent: item, key, depth });
    }
  }
  return undefined;
}

/** A value met by {@link checkStructure}, linked to its parent so its path can be built when needed. */
interface Frame {
  readonly value: object;
  readonly parent: Frame | undefined;
  readonly key: string | number;
  readonly depth: number;
}

function pathOf(frame: Frame, base: string): string {
  return frame.parent === undefined ? base : joinPath(pathOf(frame.parent, base), frame.key);
}

/** Parses an ISO-8601 date string to epoch ms; `undefined` when absent, `NaN` when invalid. */
function parseDate(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return Number.NaN;
  // Only ISO-8601-looking strings: Date.parse alone accepts locale formats such as "1/2/3".
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$/.test(value)) {
    return Number.NaN;
  }
  // V8 rolls impossible days over (2024-02-30 → March 1); refuse them instead.
  const day = Number(value.slice(8, 10));
  if (new Date(Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, day)).getUTCDate() !== day) return Number.NaN;
  return Date.parse(value.replace(' ', 'T'));
}

/** A Segment id: strings are trimmed, numbers become strings, empty means absent. */
function idOf(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function objectOf(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function fail(problem: IngestProblem): ValidationResult {
  return { ok: false, problem };
}

const DATE_FIELDS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;

/**
 * Validates one Segment message. `type` is the call type fixed by the route (`/v1/track`), or undefined for
 * batch items, which carry their own `type`. `field` is the path prefix for problems (`batch[3]`). Checks, in
 * order: object root, forbidden keys and depth, size, type, field types, required ids and fields, dates.
 */
export function validateMessage(raw: unknown, type: EventType | undefined, field = ''): ValidationResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(ingestProblem('INGEST_NOT_AN_OBJECT', field, 'A message must be a JSON object.'));
  }
  const structural = checkStructure(raw, field);
  if (structural) return fail(structural);
  const bytes = Buffer.byteLength(JSON.stringify(raw));
  if (bytes > ingestLimits.maxMessageBytes) {
    return fail(
      ingestProblem('INGEST_MESSAGE_TOO_LARGE', field, `The message is ${bytes} bytes; the limit is ${ingestLimits.maxMessageBytes}.`),
    );
  }
  const body = raw as Record<string, unknown>;
  const callType = type ?? body.type;
  if (typeof callType !== 'string' || !(EVENT_TYPES as readonly string[]).includes(callType)) {
    return fail(
      ingestProblem('INGEST_INVALID_TYPE', joinPath(field, 'type'), `"type" must be one of ${EVENT_TYPES.join(', ')}.`),
    );
  }
  if (!messageValidator.Check(raw)) {
    const first = messageValidator.Errors(raw)[0];
    const path = pointerToPath(field, first?.instancePath ?? '');
    return fail(ingestProblem('INGEST_INVALID_FIELD', path, `${path || 'message'} ${first?.message ?? 'is invalid'}.`));
  }
  const eventType = callType as EventType;
  const userId = idOf(body.userId);
  const anonymousId = idOf(body.anonymousId);
  if (userId === null && anonymousId === null) {
    return fail(ingestProblem('INGEST_MISSING_ID', joinPath(field, 'userId'), 'Either userId or anonymousId is required.'));
  }
  const name = eventType === 'track' ? stringOf(body.event) : stringOf(body.name);
  if (eventType === 'track' && name === null) {
    return fail(ingestProblem('INGEST_MISSING_EVENT', joinPath(field, 'event'), 'A track call needs an "event" name.'));
  }
  const groupId = idOf(body.groupId);
  if (eventType === 'group' && groupId === null) {
    return fail(ingestProblem('INGEST_MISSING_FIELD', joinPath(field, 'groupId'), 'A group call needs a "groupId".'));
  }
  const previousId = idOf(body.previousId);
  if (eventType === 'alias' && (previousId === null || userId === null)) {
    const missing = previousId === null ? 'previousId' : 'userId';
    return fail(ingestProblem('INGEST_MISSING_FIELD', joinPath(field, missing), `An alias call needs "${missing}".`));
  }
  const dates: Record<'timestamp' | 'originalTimestamp' | 'sentAt', number | null> = {
    timestamp: null,
    originalTimestamp: null,
    sentAt: null,
  };
  for (const key of DATE_FIELDS) {
    const parsed = parseDate(body[key]);
    if (parsed !== undefined && Number.isNaN(parsed)) {
      return fail(ingestProblem('INGEST_INVALID_TIMESTAMP', joinPath(field, key), `"${key}" must be an ISO-8601 date.`));
    }
    dates[key] = parsed ?? null;
  }
  return {
    ok: true,
    bytes,
    message: {
      type: eventType,
      messageId: stringOf(body.messageId),
      userId,
      anonymousId,
      name,
      category: stringOf(body.category),
      groupId,
      previousId,
      properties: objectOf(body.properties),
      traits: objectOf(body.traits),
      context: objectOf(body.context),
      ...dates,
    },
  };
}

/**
 * Validates the envelope of a `/v1/batch` body: an object whose `batch` is an array of at most
 * {@link ingestLimits.maxBatchMessages} items, with a valid optional `sentAt`. Messages are validated one by one
 * afterwards, so one bad message does not hide the others.
 */
export function validateBatch(raw: unknown): BatchValidationResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return err(ingestProblem('INGEST_NOT_AN_OBJECT', '', 'The request body must be a JSON object.'));
  }
  const body = raw as Record<string, unknown>;
  if (!Array.isArray(body.batch)) {
    return err(ingestProblem('INGEST_BATCH_INVALID', 'batch', '"batch" must be an array of messages.'));
  }
  if (body.batch.length > ingestLimits.maxBatchMessages) {
    return err(
      ingestProblem('INGEST_BATCH_TOO_MANY', 'batch', `The batch has ${body.batch.length} messages; the limit is ${ingestLimits.maxBatchMessages}.`),
    );
  }
  // Structure of the envelope outside `batch` (messages are checked individually).
  const { batch: _batch, ...envelope } = body;
  const structural = checkStructure(envelope, '');
  if (structural) return err(structural);
  if (!batchValidator.Check(raw)) {
    const first = batchValidator.Errors(raw)[0];
    const path = pointerToPath('', first?.instancePath ?? '');
    return err(ingestProblem('INGEST_INVALID_FIELD', path, `${path} ${first?.message ?? 'is invalid'}.`));
  }
  const sentAt = parseDate(body.sentAt);
  if (sentAt !== undefined && Number.isNaN(sentAt)) {
    return err(ingestProblem('INGEST_INVALID_TIMESTAMP', 'sentAt', '"sentAt" must be an ISO-8601 date.'));
  }
  return ok({ messages: body.batch, sentAt: sentAt ?? null, context: objectOf(body.context) });
}
