/**
 * The one way the app talks to segflow: same-origin `fetch` with the session cookie, the CSRF token on every
 * state-changing request, and problem+json answers turned into {@link ApiError}s. A 401 tells the app the
 * session is gone ({@link onSignedOut}), so any page falls back to the sign-in form.
 */

/** An RFC 9457 problem the server answered. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** Remembers the session's CSRF token (from sign-in or `GET /api/session`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Calls `listener` when a request finds the session expired or signed out. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** One API call; resolves with the JSON answer (or undefined for 204), rejects with an {@link ApiError}. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-segflow-csrf'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'segflow cannot be reached. Check that the server is running.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = { detail: text };
  }
  if (!res.ok) {
    const code = typeof json.code === 'string' ? json.code : `HTTP_${res.status}`;
    if (res.status === 401 && path !== '/api/session') for (const l of signedOutListeners) l();
    throw new ApiError(res.status, code, typeof json.detail === 'string' ? json.detail : res.statusText, json);
  }
  return json as T;
}

/** `encodeURIComponent` for a path segment. */
export const seg = (s: string): string => encodeURIComponent(s);
