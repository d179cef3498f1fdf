import type { BatchOutcome } from '../ingest/index.js';
import { ingestLimits } from '../ingest/index.js';
import { describeProblem, type ApiProblem } from './admin-client.js';

/** Where a running server is and the write key its `/v1/batch` takes. */
export interface ServerTarget {
  readonly url: string;
  readonly writeKey: string;
}

/** How long to wait for a server to answer `/healthz` before deciding none runs there. */
const PROBE_TIMEOUT_MS = 1000;

/** Attempts of one request the server refused as overloaded (429/503) before giving up. */
const MAX_OVERLOADED_ATTEMPTS = 20;

/** True when a segflow server answers `GET /healthz` at `url`. */
export async function serverAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Splits messages into `/v1/batch` requests within the API's limits (messages and bytes per request), keeping
 * their order. A single message is never split: one over the batch limit goes alone, and the server refuses it.
 */
export function chunkForBatch(messages: readonly Record<string, unknown>[]): Record<string, unknown>[][] {
  // Room for the envelope `{"batch":[…]}` and the commas.
  const budget = ingestLimits.maxBatchBytes - 64;
  const chunks: Record<string, unknown>[][] = [];
  let current: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(JSON.stringify(m)) + 1;
    if (current.length > 0 && (bytes + size > budget || current.length >= ingestLimits.maxBatchMessages)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

interface BatchRejection {
  readonly index: number;
  readonly code: string;
  readonly detail: string;
  readonly field?: string;
}

/**
 * Sends messages to a running server through `POST /v1/batch` with the write key, as any Segment client would,
 * and reads the outcome. The server answers a fully stored batch with `{ success: true }` and no counts, so
 * those messages are counted as `accepted` (stored now or already there; `duplicates` stays 0); a batch with
 * rejected messages answers 400 with the counts and each rejection, which are reported by their index in
 * `messages`. An overloaded server (429/503) is waited for as its `Retry-After` says. Any other refusal throws
 * with the problem worded for the CLI, since the rest of the import would fail the same way.
 */
export async function sendToServer(target: ServerTarget, messages: readonly Record<string, unknown>[]): Promise<BatchOutcome> {
  let accepted = 0;
  let duplicates = 0;
  const rejected: BatchRejection[] = [];
  let offset = 0;
  for (const chunk of chunkForBatch(messages)) {
    const outcome = await postBatch(target, chunk);
    accepted += outcome.accepted;
    duplicates += outcome.duplicates;
    for (const r of outcome.rejected) rejected.push({ ...r, index: r.index + offset });
    offset += chunk.length;
  }
  return { accepted, duplicates, rejected };
}

async function postBatch(target: ServerTarget, batch: readonly Record<string, unknown>[]): Promise<BatchOutcome> {
  const url = `${target.url.replace(/\/+$/, '')}/v1/batch`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${target.writeKey}:`).toString('base64')}` },
        body: JSON.stringify({ batch }),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new Error(`cannot reach segflow at ${target.url}${cause}`, { cause: err });
    }
    const text = await res.text();
    let doc: Record<string, unknown> = {};
    try {
      doc = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      doc = { detail: text };
    }
    if (res.ok) return { accepted: batch.length, duplicates: 0, rejected: [] };
    if ((res.status === 429 || res.status === 503) && attempt < MAX_OVERLOADED_ATTEMPTS) {
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000));
      continue;
    }
    if (res.status === 400 && Array.isArray(doc.errors) && typeof doc.rejected === 'number') {
      return {
        accepted: typeof doc.accepted === 'number' ? doc.accepted : 0,
        duplicates: typeof doc.duplicates === 'number' ? doc.duplicates : 0,
        rejected: (doc.errors as BatchRejection[]).map((e) => ({
          index: e.index,
          code: e.code,
          detail: e.detail,
          ...(e.field ? { field: e.field } : {}),
        })),
      };
    }
    const problem: ApiProblem = {
      status: res.status,
      code: typeof doc.code === 'string' ? doc.code : `HTTP_${res.status}`,
      title: typeof doc.title === 'string' ? doc.title : res.statusText,
      detail: typeof doc.detail === 'string' ? doc.detail : res.statusText,
    };
    throw new Error(`the server at ${target.url} refused the batch: ${describeProblem(problem)}`);
  }
}
