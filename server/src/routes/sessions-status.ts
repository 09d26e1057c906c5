/**
 * `GET /sessions/:id/status` with `Authorization: Bearer <stream token>`: what the session's
 * stream would say now, as one small JSON answer, for a widget whose stream does not arrive (a
 * proxy that buffers it) or may have died (a phone that was in the background). The same view as
 * the stream (results/resident-view.ts): `waiting`, `result` (delivered as the stream delivers it)
 * or `expired`. Never cached; the token only ever in the header, never in a URL.
 *
 * Polls are counted per session (STATUS_POLLS_PER_MINUTE, across instances): a widget polls every
 * few seconds, so more is a loop gone wrong, answered 429 with Retry-After.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import type { SessionStatus } from '../protocol.ts';
import { allowedOriginOnly } from '../http/allowed-origin.ts';
import { bearerToken } from '../http/bearer.ts';
import { errorResponse } from '../http/errors.ts';
import { matchesDigest } from '../crypto/secrets.ts';
import { settle } from '../results/binding.ts';
import { markResultDelivered, residentView } from '../results/resident-view.ts';

export const STATUS_POLLS_PER_MINUTE = 60;
const MINUTE_MS = 60_000;

export function sessionStatusRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const { store } = deps;

  return new Hono().get('/:id/status', allowedOriginOnly(config.allowedOrigins), async (c) => {
    // Errors too: a refusal cached by a proxy would outlive what it refused.
    c.header('Cache-Control', 'no-store');
    const id = c.req.param('id');
    const session = await store.get(id);
    if (!session) return errorResponse(c, 404, 'unknown_session', 'no such session, or it has ended');
    const token = bearerToken(c.req.header('Authorization'));
    if (token === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="id-contact session"');
      return errorResponse(c, 401, 'token_required', 'the session token is required (Authorization: Bearer)');
    }
    if (!matchesDigest(token, session.streamTokenDigest)) {
      return errorResponse(c, 403, 'invalid_token', 'the session token does not match this session');
    }

    const { count, resetAt } = await store.hit(`status:${id}`, MINUTE_MS);
    if (count > STATUS_POLLS_PER_MINUTE) {
      deps.metrics.rateLimited.inc({ route: '/sessions/:id/status' });
      c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt - deps.now().getTime()) / 1000))));
      return errorResponse(c, 429, 'rate_limited', 'too many status checks for this session; try again in a minute');
    }

    let current = session;
    let view = residentView(current, deps.now().getTime());
    if (view.state === 'waiting' && view.release) {
      // One release check, as the stream makes: if the result may go now, this answer has it;
      // if the settle time is still running, the next poll does. The request is not held.
      await settle(context, id);
      const after = await store.get(id);
      view = residentView(after, deps.now().getTime());
      if (after) current = after;
    }

    let answer: SessionStatus;
    switch (view.state) {
      case 'waiting':
        answer = { state: 'waiting' };
        break;
      case 'expired':
        answer = { state: 'expired' };
        break;
      case 'delivered':
        return errorResponse(c, 410, 'result_delivered', 'the result was delivered and is no longer held');
      case 'result':
        if (view.delivers) await markResultDelivered(context, current);
        answer = { state: 'result', result: view.result };
    }
    return c.json(answer, 200);
  });
}
