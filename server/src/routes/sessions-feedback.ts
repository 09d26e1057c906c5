/**
 * The widget's side of session feedback (docs/protocol.md section 5):
 * `POST /sessions/:id/activity` (the user did something meaningful) and
 * `POST /sessions/:id/logout`, both with the stream token as Bearer. Only the
 * backend talks to the session_url; the browser never learns it.
 */
import { Hono, type Context } from 'hono';
import type { AppContext } from '../context.ts';
import { allowedOriginOnly } from '../http/allowed-origin.ts';
import { errorResponse } from '../http/errors.ts';
import { bearerToken } from '../http/bearer.ts';
import { BODY_LIMITS, refuseBodyOver } from '../http/request-body.ts';
import { matchesDigest } from '../crypto/secrets.ts';
import type { SessionRecord } from '../store/session-store.ts';

export function sessionFeedbackRoutes({ config, deps, identities }: AppContext): Hono {
  const { store } = deps;

  async function authorisedSession(c: Context): Promise<SessionRecord | Response> {
    const session = await store.get(c.req.param('id') ?? '');
    if (!session) return errorResponse(c, 404, 'unknown_session', 'no such session, or it has ended');
    const token = bearerToken(c.req.header('Authorization'));
    if (!matchesDigest(token, session.streamTokenDigest)) {
      return errorResponse(c, 403, 'invalid_token', 'the session token does not match this session');
    }
    return session;
  }

  const originGuard = allowedOriginOnly(config.allowedOrigins);
  const noBody = refuseBodyOver(BODY_LIMITS.none);

  return new Hono()
    .post('/:id/activity', originGuard, noBody, async (c) => {
      const session = await authorisedSession(c);
      if (session instanceof Response) return session;
      const sessionUrl = session.result?.sessionUrl;
      const forwarded = sessionUrl !== undefined && (await store.claimActivity(session.id, deps.activityIntervalMs));
      // Not awaited: the chat must not wait on the auth plugin.
      if (forwarded) void deps.sendFeedback(sessionUrl, 'user_active');
      return c.json({ forwarded }, 202);
    })
    .post('/:id/logout', originGuard, noBody, async (c) => {
      const session = await authorisedSession(c);
      if (session instanceof Response) return session;
      // The attributes go first, whatever the auth plugin does with the logout.
      await store.delete(session.id);
      await identities.loggedOut(session);
      const sessionUrl = session.result?.sessionUrl;
      if (sessionUrl) void deps.sendFeedback(sessionUrl, 'logout');
      return c.json({ status: 'logged_out' as const }, 200);
    });
}
