import { parseCookie, stringifySetCookie } from 'cookie';

/** The session cookie's name. */
export const SESSION_COOKIE = 'segflow_session';
/** The request header a cookie-authenticated state-changing request must carry (the session's CSRF token). */
export const CSRF_HEADER = 'x-segflow-csrf';

/** The session token in a `Cookie` header, if any. */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined || cookieHeader === '') return undefined;
  const value = parseCookie(cookieHeader)[SESSION_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The `Set-Cookie` value for a session: `HttpOnly` (scripts cannot read it), `SameSite=Strict` (no other site
 * can make the browser send it), `Path=/`, `Max-Age` until expiry, and `Secure` when the app is served over
 * https (over plain http a Secure cookie would never come back, so local use would be impossible).
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: token, httpOnly: true, sameSite: 'strict', path: '/', maxAge: Math.max(0, Math.floor(maxAgeSeconds)), secure });
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, expires: new Date(0), secure });
}
