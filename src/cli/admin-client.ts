/**
 * @module
 * The small HTTP client the admin commands (`apply`, `explain`, `segments`, `destinations`) share. Its typed
 * methods speak the segments API documented in docs/segments.md; {@link AdminClient.request} serves the other
 * admin routes (the destinations command builds on it). A refused request (4xx/5xx) is an expected failure and comes back as a value
 * holding the problem document; an unreachable server is an infrastructure failure and throws.
 */
import type { Command } from 'commander';
import type { ApiDryRun, ApiExplanation, ApiRuleProblem, ApiSavedSegment, ApiSegment, ApiSegmentBody } from '../api/index.js';
import { cliDetail } from './cli-wording.js';

// The wire types are the API's own contract (src/api/contract): what the server validates and documents is what
// this client reads, so a change on one side is a compile error on the other.
export type { ApiDryRun, ApiExplanation, ApiSegment } from '../api/index.js';

/** An RFC 9457 problem document as the API returns it, with the HTTP status. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly ApiRuleProblem[];
}

/** The answer to one request: the value, or the problem the server reported. */
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ApiProblem };

/** Where the server is and how to authenticate. */
export interface AdminClientOptions {
  readonly url: string;
  readonly key: string | undefined;
}

/** How a segment change is sent: `wait: false` asks the server to answer before the backfill it starts is done. */
export interface SaveOptions {
  readonly wait?: boolean;
}

function waitQuery(options: SaveOptions): string {
  return options.wait === false ? '?wait=false' : '';
}

/** The default server address when neither `--url` nor `SEGFLOW_URL` is given. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** A typed client for segflow's admin API (segments part). */
export class AdminClient {
  private readonly base: string;
  private readonly key: string | undefined;

  constructor(options: AdminClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.key = options.key;
  }

  /** All segments of the workspace, with their sizes. */
  listSegments(): Promise<ApiResult<{ segments: ApiSegment[] }>> {
    return this.request('GET', '/api/segments');
  }

  /** One segment by id or name, with its size. */
  getSegment(idOrName: string): Promise<ApiResult<{ segment: ApiSegment }>> {
    return this.request('GET', `/api/segments/${encodeURIComponent(idOrName)}`);
  }

  /** Creates a segment (backfilled by the server; `wait: false` answers before the backfill is done). */
  createSegment(body: ApiSegmentBody, options: SaveOptions = {}): Promise<ApiResult<ApiSavedSegment>> {
    return this.request('POST', `/api/segments${waitQuery(options)}`, body);
  }

  /** Saves a new version of a segment. */
  updateSegment(idOrName: string, body: ApiSegmentBody, options: SaveOptions = {}): Promise<ApiResult<ApiSavedSegment>> {
    return this.request('PUT', `/api/segments/${encodeURIComponent(idOrName)}${waitQuery(options)}`, body);
  }

  /** Deletes a segment (its members exit). */
  deleteSegment(idOrName: string, options: SaveOptions = {}): Promise<ApiResult<{ segment: ApiSegment }>> {
    return this.request('DELETE', `/api/segments/${encodeURIComponent(idOrName)}${waitQuery(options)}`);
  }

  /** Size and diff of a rule against the current version of the segment with the same name, without saving. */
  dryRun(body: ApiSegmentBody): Promise<ApiResult<ApiDryRun>> {
    return this.request('POST', '/api/segments/dry-run', body);
  }

  /** Why a profile is or is not in a segment. */
  explain(segment: string, profile: string): Promise<ApiResult<ApiExplanation>> {
    return this.request('GET', `/api/segments/${encodeURIComponent(segment)}/explain/${encodeURIComponent(profile)}`);
  }

  /** One admin API call: `path` under the server address, `body` sent as JSON, the answer as T or the problem. */
  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new Error(`cannot reach segflow at ${this.base}${cause} (set --url or SEGFLOW_URL)`, { cause: err });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { detail: text };
    }
    if (response.ok) return { ok: true, value: parsed as T };
    const doc = (parsed ?? {}) as Partial<ApiProblem>;
    return {
      ok: false,
      problem: {
        status: response.status,
        code: typeof doc.code === 'string' ? doc.code : `HTTP_${response.status}`,
        title: typeof doc.title === 'string' ? doc.title : response.statusText,
        detail: typeof doc.detail === 'string' ? doc.detail : response.statusText,
        ...(Array.isArray(doc.errors) ? { errors: doc.errors } : {}),
      },
    };
  }
}

/** Adds the shared `--url`, `--key` and `--json` options to an admin command. */
export function addAdminOptions(command: Command): Command {
  return command
    .option('--url <url>', `segflow server address (env SEGFLOW_URL, default ${DEFAULT_URL})`)
    .option('--key <key>', 'admin key (env SEGFLOW_ADMIN_KEY)')
    .option('--json', 'print machine-readable JSON');
}

/** Builds the client from the parsed `--url`/`--key` options and the environment. */
export function clientFromOptions(options: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): AdminClient {
  return new AdminClient({
    url: options.url ?? env.SEGFLOW_URL ?? DEFAULT_URL,
    key: options.key ?? env.SEGFLOW_ADMIN_KEY,
  });
}

/** One line describing a problem the server reported, for the terminal, worded for the CLI (see {@link cliDetail}). */
export function describeProblem(problem: ApiProblem): string {
  const lines = [`${problem.code}: ${cliDetail(problem)}`];
  for (const e of problem.errors ?? []) {
    const where = e.line === undefined ? '' : `${e.line}:${e.column ?? 1} `;
    lines.push(`  ${where}${e.code} ${e.message}`);
  }
  return lines.join('\n');
}
