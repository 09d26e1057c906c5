/**
 * What a session must look like before the widget uses it, whether it comes
 * fresh from the backend or back out of sessionStorage (where any script on
 * the page can write). One check for both, so a stored record can do nothing
 * a backend answer could not.
 */
import { isString } from '../shared/http.js';
import type { AttachedSession, Session } from '../shared/wire.js';

/** Only web URLs end up in a link, a form or a window's location. */
export const isWebUrl = (v: unknown): v is string => isString(v) && /^https?:\/\//i.test(v);


/** The stream's URL carries the session's token: it goes to the backend and nowhere else. */
export function isBackendUrl(backend: string, v: unknown): v is string {
  try {
    return isWebUrl(v) && new URL(v).origin === new URL(backend).origin;
  } catch {
    return false; // not a URL, or no usable backend
  }
}

export function isAttachedSession(backend: string, v: unknown): v is AttachedSession {
  const s = v as Partial<AttachedSession> | null | undefined;
  return isString(s?.session_id) && isBackendUrl(backend, s.events_url);
}

/** The launch goes to the backend, with its token, and nowhere else. */
export function isStartedSession(backend: string, v: unknown): v is Session {
  const s = v as Partial<Session>;
  return isAttachedSession(backend, v) && isBackendUrl(backend, s.launch_url) && isString(s.launch_token);
}
