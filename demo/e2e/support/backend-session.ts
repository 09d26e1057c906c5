/**
 * Whether the backend still holds a session, asked over its own HTTP API as
 * an outsider would: with a wrong token, `POST /sessions/:id/activity` answers
 * 403 for a session that exists and 404 for one that is gone. Nothing is
 * forwarded for the wrong token.
 */
export async function backendSession(backendUrl: string, sessionId: string): Promise<'live' | 'gone'> {
  const response = await fetch(`${backendUrl}/sessions/${encodeURIComponent(sessionId)}/activity`, {
    method: 'POST',
    headers: { Authorization: 'Bearer not-the-session-token' },
  });
  await response.arrayBuffer();
  if (response.status === 403) return 'live';
  if (response.status === 404) return 'gone';
  throw new Error(`unexpected answer ${response.status} about a session`);
}

/** The session id the page's widget used, from the URLs it requested (`/sessions/<id>/events` and the like). */
export function sessionIdRequested(requestedUrls: readonly string[], backendUrl: string): string | undefined {
  const prefix = `${backendUrl}/sessions/`;
  for (const url of requestedUrls) {
    if (!url.startsWith(prefix)) continue;
    // `/sessions/attach` names no session.
    const [id, action] = url.slice(prefix.length).split('?')[0]!.split('/');
    if (id && action) return decodeURIComponent(id);
  }
  return undefined;
}
