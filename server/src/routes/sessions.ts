/**
 * `POST /sessions`: the widget starts authentication during communication.
 * We make the session and its two unguessable URLs (comm_url for the user's
 * browser, attr_url for the auth plugin), ask the core to start, and hand the
 * widget a launch (where the browser goes to begin the login, see results/binding.ts)
 * plus a stream URL carrying a capability token. The core's client_url stays
 * here: the launch hands it only to the browser it ties the login to.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreBusyError, CoreError } from '../upstream/core-client.ts';
import { allowedOriginOnly } from '../http/allowed-origin.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { sessionStartLimit } from '../http/rate-limit.ts';
import { BODY_LIMITS, readJsonBody } from '../http/request-body.ts';
import { CreateSessionRequest, type CreateSessionResponse } from '../protocol.ts';
import { guestConversation } from '../conversation/guest-ticket.ts';
import { digest, randomSecret } from '../crypto/secrets.ts';
import type { SessionRecord } from '../store/session-store.ts';
import { PURPOSE_PATTERN, sessionOptionsCache } from '../upstream/session-options-cache.ts';
import { refuseReturnUrlUserInfo, refuseTooManyLogins, refuseUnofferedAuthMethod } from './session-start-checks.ts';

export function sessionsRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  return new Hono().post('/', allowedOriginOnly(config.allowedOrigins), sessionStartLimit(context), async (c) => {
    const request = await readJsonBody(c, CreateSessionRequest, '{"purpose","auth_method","return_url"?,"ticket"?}', BODY_LIMITS.createSession);
    if (request instanceof Response) return request;
    const { purpose, auth_method: authMethod, return_url: returnUrl } = request;
    if (!PURPOSE_PATTERN.test(purpose)) return errorResponse(c, 400, 'invalid_request', 'purpose: invalid');
    const conversation = await guestConversation(c, context, request.ticket, purpose);
    if (conversation instanceof Response) return conversation;
    if (returnUrl !== undefined && !config.allowedOrigins.includes(new URL(returnUrl).origin)) {
      return errorResponse(c, 400, 'invalid_request', 'return_url: must be on an allowed origin');
    }
    const refused = refuseReturnUrlUserInfo(c, returnUrl) ?? (await refuseUnofferedAuthMethod(c, context, purpose, authMethod));
    if (refused) return refused;
    if ((await deps.store.countSessions()) >= config.maxSessions) {
      return busyResponse(c, 'too_many_sessions', 'the service has too many logins in progress; try again shortly');
    }
    // Counted last, so a refused request takes none of the conversation's logins.
    const tooMany = await refuseTooManyLogins(c, context, conversation);
    if (tooMany) return tooMany;

    const sessionId = randomSecret();
    const streamToken = randomSecret();
    const launchToken = randomSecret();
    const attrId = config.useAttrUrl ? randomSecret() : undefined;
    const now = deps.now().getTime();
    // Just asked by the auth method check: in the cache.
    const purposeName = sessionOptionsCache(context).peek(purpose)?.name;
    // The session exists before the core is called: a fast auth plugin may post at once.
    const session: SessionRecord = {
      id: sessionId,
      identityId: randomSecret(),
      binding: { launchDigest: digest(launchToken) },
      purpose,
      ...(purposeName !== undefined ? { purposeName } : {}),
      authMethod,
      returnUrl,
      streamTokenDigest: digest(streamToken),
      attrIdDigest: attrId && digest(attrId),
      createdAt: now,
      expiresAt: now + config.sessionTtlSeconds * 1000,
      ...(conversation !== undefined ? { conversation } : {}),
    };
    await deps.store.create(session);
    await context.identities.started(session);

    let clientUrl: string;
    try {
      clientUrl = await deps.core.start({
        purpose,
        auth_method: authMethod,
        // The return page speaks the widget's language (the auth plugin appends ?result= or &result=).
        comm_url: `${config.publicUrl}/return/${sessionId}${request.lang ? `?lang=${request.lang}` : ''}`,
        ...(attrId ? { attr_url: `${config.internalUrl}/attributes/${attrId}` } : {}),
      });
    } catch (error) {
      await deps.store.delete(sessionId);
      await context.identities.ended(session);
      if (!(error instanceof CoreError)) throw error;
      if (error instanceof CoreBusyError) return busyResponse(c, 'core_busy', error.message, 5);
      deps.logger.warn('core refused start', { status: error.status });
      return errorResponse(c, 502, 'core_refused', error.message);
    }

    if (!(await deps.store.bind(sessionId, { type: 'clientUrl', url: clientUrl }))) {
      // Ended meanwhile (a very short TTL, or the store lost it): nothing to launch.
      return errorResponse(c, 404, 'unknown_session', 'the session has ended');
    }
    // The login is under way (the core started it): the employee's request for it is answered.
    if (conversation !== undefined) await context.requests.loginStarted(conversation, purpose, session.identityId);

    const query = request.lang ? `?lang=${request.lang}` : '';
    const answer: CreateSessionResponse = {
      session_id: sessionId,
      launch_url: `${config.publicUrl}/launch/${sessionId}${query}`,
      launch_token: launchToken,
      events_url: `${config.publicUrl}/sessions/${sessionId}/events?token=${streamToken}`,
    };
    return c.json(answer, 201, { 'Cache-Control': 'no-store' });
  });
}
