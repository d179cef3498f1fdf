import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { readCsvRows } from './csv-rows.js';
import type { ImportLineError, ImportRecord, ImportSource } from './import-record.js';

/** How a CSV column becomes a property or trait value. */
export type ColumnType = 'string' | 'number' | 'boolean';

/** A property or trait taken from a column, optionally converted. */
export type ColumnRef = string | { readonly column: string; readonly type?: ColumnType };

/**
 * How CSV rows become Segment messages. Exactly one of `event` / `eventColumn` for `track`.
 * Without `messageIdColumn`, a message id is derived from the row's content (and its occurrence count), so
 * re-running the same import stores nothing twice.
 */
export interface CsvMapping {
  readonly type?: 'track' | 'identify' | 'page';
  readonly event?: string;
  readonly eventColumn?: string;
  readonly userIdColumn?: string;
  readonly anonymousIdColumn?: string;
  readonly timestampColumn?: string;
  readonly messageIdColumn?: string;
  readonly properties?: Readonly<Record<string, ColumnRef>>;
  readonly traits?: Readonly<Record<string, ColumnRef>>;
}

/** Checks a mapping read from a user's file; returns the problems (empty when usable). */
export function checkCsvMapping(m: unknown): string[] {
  const problems: string[] = [];
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return ['the mapping must be a JSON object'];
  const x = m as Record<string, unknown>;
  const type = x.type ?? 'track';
  if (type !== 'track' && type !== 'identify' && type !== 'page') problems.push('type must be track, identify or page');
  if (type === 'track' && (x.event === undefined) === (x.eventColumn === undefined)) {
    problems.push('a track mapping needs exactly one of "event" (a fixed name) or "eventColumn"');
  }
  if (x.userIdColumn === undefined && x.anonymousIdColumn === undefined) {
    problems.push('the mapping needs "userIdColumn" or "anonymousIdColumn"');
  }
  for (const key of ['event', 'eventColumn', 'userIdColumn', 'anonymousIdColumn', 'timestampColumn', 'messageIdColumn']) {
    if (x[key] !== undefined && typeof x[key] !== 'string') problems.push(`"${key}" must be a string`);
  }
  for (const group of ['properties', 'traits'] as const) {
    const g = x[group];
    if (g === undefined) continue;
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      problems.push(`"${group}" must be an object of name → column`);
      continue;
    }
    for (const [name, ref] of Object.entries(g)) {
      const ok =
        typeof ref === 'string' ||
        (ref !== null &&
          typeof ref === 'object' &&
          typeof (ref as { column?: unknown }).column === 'string' &&
          [undefined, 'string', 'number', 'boolean'].includes((ref as { type?: string }).type));
      if (!ok) problems.push(`"${group}.${name}" must be a column name or {"column", "type"}`);
    }
  }
  return problems;
}

function convert(raw: string | undefined, type: ColumnType): unknown {
  if (raw === undefined || raw === '') return undefined;
  switch (type) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return /^(true|yes|1)$/i.test(raw) ? true : /^(false|no|0)$/i.test(raw) ? false : undefined;
  }
}

function pick(values: Readonly<Record<string, string>>, refs: Readonly<Record<string, ColumnRef>> | undefined) {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(refs ?? {})) {
    const column = typeof ref === 'string' ? ref : ref.column;
    const v = convert(values[column], typeof ref === 'string' ? 'string' : (ref.type ?? 'string'));
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** A CSV file with a header line, turned into Segment messages by a {@link CsvMapping}. */
export function csvSource(file: string, mapping: CsvMapping): ImportSource {
  const type = mapping.type ?? 'track';
  return {
    label: `CSV ${file}`,
    async *records(): AsyncIterable<ImportRecord | ImportLineError> {
      const seen = new Map<string, number>();
      const prefix = `csv:${basename(file)}:`;
      for await (const { row, values } of readCsvRows(file)) {
        const message: Record<string, unknown> = { type };
        const userId = mapping.userIdColumn ? values[mapping.userIdColumn] : undefined;
        const anonymousId = mapping.anonymousIdColumn ? values[mapping.anonymousIdColumn] : undefined;
        if (userId) message.userId = userId;
        if (anonymousId) message.anonymousId = anonymousId;
        if (!userId && !anonymousId) {
          yield { line: row, message: 'no user id or anonymous id in this row' };
          continue;
        }
        if (type === 'track') {
          const event = mapping.event ?? (mapping.eventColumn ? values[mapping.eventColumn] : undefined);
          if (!event) {
            yield { line: row, message: `empty event name in column "${mapping.eventColumn}"` };
            continue;
          }
          message.event = event;
        }
        if (mapping.timestampColumn) message.timestamp = values[mapping.timestampColumn];
        const properties = pick(values, mapping.properties);
        const traits = pick(values, mapping.traits);
        if (Object.keys(properties).length > 0) message.properties = properties;
        if (Object.keys(traits).length > 0) message.traits = traits;
        if (mapping.messageIdColumn && values[mapping.messageIdColumn]) {
          message.messageId = values[mapping.messageIdColumn];
        } else {
          const digest = createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
          const n = (seen.get(digest) ?? 0) + 1;
          seen.set(digest, n);
          message.messageId = `${prefix}${digest}:${n}`;
        }
        yield { line: row, message };
      }
    },
  };
}
