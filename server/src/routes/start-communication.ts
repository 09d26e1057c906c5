/**
 * `POST /start_communication`, called by the core (docs/protocol.md section 2) when
 * a user picked chat as the way to talk: we make a session and send the user
 * to the site's chat page with a one-time reference to it. The result comes
 * to the attr_url, inline as `auth_result` (verified at once), or as
 * `?result=` on the chat URL when we give no attr_url.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { BODY_LIMITS, readJsonBody } from '../http/request-body.ts';
import { SESSION_REFERENCE_PARAM, StartCommunicationRequest, type StartCommunicationResponse } from '../protocol.ts';
import { takeResult } from '../results/intake.ts';
import { digest, matchesDigest, randomSecret } from '../crypto/secrets.ts';
import { PURPOSE_PATTERN } from '../upstream/session-options-cache.ts';

export function startCommunicationRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const expected = config.pluginAuth && config.pluginAuth !== 'off' && digest(`${config.pluginAuth.user}:${config.pluginAuth.password}`);

  function presentedCredentials(header: string | undefined): string | undefined {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
    return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : undefined;
  }

  return new Hono().post('/', async (c) => {
    if (expected && !matchesDigest(presentedCredentials(c.req.header('Authorization')), expected)) {
      c.header('WWW-Authenticate', 'Basic realm="id-contact communication plugin"');
      return errorResponse(c, 401, 'unauthorized', 'valid HTTP Basic credentials are required (IDC_PLUGIN_AUTH)');
    }
    if (!config.chatUrl) {
      return errorResponse(c, 503, 'not_configured', 'core-initiated sessions need IDC_CHAT_URL');
    }

    const request = await readJsonBody(c, StartCommunicationRequest, '{"purpose","auth_result"?}', BODY_LIMITS.withResult);
    if (request instanceof Response) return request;
    const { purpose, auth_result: authResult } = request;
    if (!PURPOSE_PATTERN.test(purpose)) return errorResponse(c, 400, 'invalid_request', 'purpose: invalid');
    if ((await deps.store.countSessions()) >= config.maxSessions) {
      return busyResponse(c, 'too_many_sessions', 'too many sessions in progress; try again shortly');
    }

    const sessionId = randomSecret();
    const reference = randomSecret();
    const attrId = config.useAttrUrl && !authResult ? randomSecret() : undefined;
    const now = deps.now().getTime();
    await deps.store.create({
      id: sessionId,
      identityId: randomSecret(),
      purpose,
      // Nobody holds a stream token until the chat page exchanges the reference.
      streamTokenDigest: digest(randomSecret()),
      referenceDigest: digest(reference),
      attrIdDigest: attrId && digest(attrId),
      createdAt: now,
      expiresAt: now + config.sessionTtlSeconds * 1000,
    });

    if (authResult) {
      const session = (await deps.store.get(sessionId))!;
      const outcome = await takeResult(context, session, authResult, 'auth_result');
      if (!outcome.accepted) {
        await deps.store.delete(sessionId);
        return errorResponse(c, outcome.status === 409 ? 409 : 400, outcome.error, `auth_result: ${outcome.message}`);
      }
    }

    const clientUrl = new URL(config.chatUrl);
    clientUrl.searchParams.set(SESSION_REFERENCE_PARAM, reference);
    const answer: StartCommunicationResponse = {
      client_url: clientUrl.href,
      ...(attrId ? { attr_url: `${config.internalUrl}/attributes/${attrId}` } : {}),
    };
    return c.json(answer, 200, { 'Cache-Control': 'no-store' });
  });
}
