import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { apiError } from './error-catalogue.js';

/** A body stream that reports the compressed byte count, as Fastify's length check expects. */
type CountedStream = Transform & { receivedEncodedLength: number };

/**
 * Whether the first bytes of a `deflate` body are a zlib header (RFC 1950: CM = 8 and the 16-bit header a
 * multiple of 31). HTTP's "deflate" means zlib-wrapped, but some clients send raw RFC 1951 data; both are taken.
 */
function isZlibHeader(b0: number, b1: number): boolean {
  return (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
}

/**
 * A `preParsing` hook accepting `Content-Encoding: gzip` (or `x-gzip`) and `deflate` (zlib-wrapped or raw)
 * bodies, as the Segment and RudderStack servers do. The route's body limit applies to the DECOMPRESSED size,
 * and decompression stops the moment the output passes it (a 10 KB gzip bomb inflating to gigabytes costs at
 * most `bodyLimit` bytes of work). Other encodings are refused with 415.
 */
export async function gunzipBody(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    throw apiError('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding "${encoding}" is not supported; use gzip, deflate or none.`);
  }
  const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
  let inflated = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      inflated += chunk.length;
      if (inflated > limit) {
        payload.unpipe();
        const route = request.routeOptions.url ?? '';
        const code = /^\/v1\/(batch|import|b)$/.test(route) ? 'INGEST_BATCH_TOO_LARGE' : route.startsWith('/v1/') ? 'INGEST_MESSAGE_TOO_LARGE' : 'BODY_TOO_LARGE';
        callback(apiError(code, `The decompressed body exceeds ${limit} bytes.`));
        return;
      }
      callback(null, chunk);
    },
  }) as CountedStream;
  guard.receivedEncodedLength = 0;
  const fail = (error: Error): void => void guard.destroy(Object.assign(error, { statusCode: 400 }));
  let inflater: Transform | undefined;
  // The decompressor is picked on the first chunk (deflate: zlib-wrapped or raw), then everything flows through it.
  const pick = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      if (!inflater) {
        inflater = encoding === 'deflate' ? (chunk.length >= 2 && isZlibHeader(chunk[0] as number, chunk[1] as number) ? createInflate() : createInflateRaw()) : createGunzip();
        inflater.on('error', fail);
        inflater.pipe(guard);
      }
      if (!inflater.write(chunk)) inflater.once('drain', () => callback());
      else callback();
    },
    flush(callback) {
      if (inflater) inflater.end(callback);
      else {
        guard.end();
        callback();
      }
    },
  });
  payload.on('data', (chunk: Buffer) => {
    guard.receivedEncodedLength += chunk.length;
  });
  pick.on('error', fail);
  payload.pipe(pick);
  return guard;
}
