import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ImportLineError } from './import-record.js';

/** Opens a file (or `-` for stdin) as a byte stream, transparently gunzipping `*.gz` files. */
export function openInput(file: string): Readable {
  const raw: Readable = file === '-' ? process.stdin : createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** The lines of a file (or stdin), gunzipped when it ends in `.gz`, without line terminators. */
export function readLines(file: string): AsyncIterable<string> {
  return createInterface({ input: openInput(file), crlfDelay: Infinity });
}

/** One non-blank line of a JSON-lines file, parsed; `line` is 1-based and counts blank lines too. */
export interface JsonLine {
  readonly line: number;
  readonly value: unknown;
}

/**
 * The non-blank lines of a JSON-lines file (or stdin), gunzipped when it ends in `.gz`, each parsed as JSON; a
 * line that is not JSON comes as an `invalid JSON: …` line error instead.
 */
export async function* readJsonLines(file: string): AsyncIterable<JsonLine | ImportLineError> {
  let line = 0;
  for await (const text of readLines(file)) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, message: `invalid JSON: ${(err as Error).message}` };
      continue;
    }
    yield { line, value };
  }
}
