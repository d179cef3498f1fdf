import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { apiError } from './error-catalogue.js';

/** A body stream that reports the compressed byte count, as Fastify's length check expects. */
type CountedStream = Transform & { receivedEncodedLength: number };

/**
 * A `preParsing` hook accepting `Content-Encoding: gzip` bodies. The route's body limit applies to the
 * DECOMPRESSED size, and decompression stops the moment the output passes it (a 10 KB gzip bomb inflating to
 * gigabytes costs at most `bodyLimit` bytes of work). Other encodings are refused with 415.
 */
export async function gunzipBody(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw apiError('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding "${encoding}" is not supported; use gzip or none.`);
  }
  const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
  const gunzip = createGunzip();
  let inflated = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      inflated += chunk.length;
      if (inflated > limit) {
        payload.unpipe(gunzip);
        gunzip.destroy();
        const route = request.routeOptions.url ?? '';
        const code = route === '/v1/batch' || route === '/v1/import' ? 'INGEST_BATCH_TOO_LARGE' : route.startsWith('/v1/') ? 'INGEST_MESSAGE_TOO_LARGE' : 'BODY_TOO_LARGE';
        callback(apiError(code, `The decompressed body exceeds ${limit} bytes.`));
        return;
      }
      callback(null, chunk);
    },
  }) as CountedStream;
  guard.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    guard.receivedEncodedLength += chunk.length;
  });
  gunzip.on('error', (error) => guard.destroy(Object.assign(error, { statusCode: 400 })));
  payload.pipe(gunzip).pipe(guard);
  return guard;
}
