import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Opens a file (or `-` for stdin) as a byte stream, transparently gunzipping `*.gz` files. */
export function openInput(file: string): Readable {
  const raw: Readable = file === '-' ? process.stdin : createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** The lines of a file (or stdin), gunzipped when it ends in `.gz`, without line terminators. */
export function readLines(file: string): AsyncIterable<string> {
  return createInterface({ input: openInput(file), crlfDelay: Infinity });
}
