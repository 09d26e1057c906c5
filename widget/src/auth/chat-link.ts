/**
 * The link a core-initiated session brings the user to the chat page with:
 * `?id-contact-session=<reference>`, sometimes with `&result=<JWE>`.
 *
 * Taken out of the address bar at once, before any network call, so neither
 * lingers in history, bookmarks, a shared link or a Referer. The backend
 * spends the reference on first use anyway; this keeps the result token too
 * from being seen. Whoever takes it first owns it: a second element on the
 * page finds the address bar already clean.
 */
import { REFERENCE_PARAM } from '../shared/wire.js';

export interface ChatLink {
  reference: string;
  /** A result the auth plugin appended to the link: only the backend can judge it. */
  result?: string;
}

export function takeChatLink(): ChatLink | undefined {
  const url = new URL(location.href);
  const reference = url.searchParams.get(REFERENCE_PARAM);
  if (reference === null) return undefined;
  const result = url.searchParams.get('result');
  url.searchParams.delete(REFERENCE_PARAM);
  url.searchParams.delete('result');
  try {
    // Keeps the page's other parameters and its hash.
    history.replaceState(history.state, '', url.href);
  } catch {
    // a sandboxed frame may refuse; the backend still spends the reference
  }
  return reference ? { reference, result: result || undefined } : undefined;
}
