/**
 * `POST /sessions`: the widget starts authentication during communication.
 * We make the session and its two unguessable URLs (comm_url for the user's
 * browser, attr_url for the auth plugin), ask the core to start, and hand the
 * widget the core's client_url plus a stream URL carrying a capability token.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreError } from '../core-client.ts';
import { allowedOriginOnly } from '../allowed-origin.ts';
import { errorResponse } from '../errors.ts';
import { readJsonBody } from '../request-body.ts';
import { CreateSessionRequest, type CreateSessionResponse } from '../protocol.ts';
import { digest, randomSecret } from '../secrets.ts';
import { PURPOSE_PATTERN } from './session-options.ts';

export function sessionsRoutes({ config, deps }: AppContext): Hono {
  return new Hono().post('/', allowedOriginOnly(config.allowedOrigins), async (c) => {
    const request = await readJsonBody(c, CreateSessionRequest, '{"purpose","auth_method","return_url"?}');
    if (request instanceof Response) return request;
    const { purpose, auth_method: authMethod, return_url: returnUrl } = request;
    if (!PURPOSE_PATTERN.test(purpose)) return errorResponse(c, 400, 'invalid_request', 'purpose: invalid');
    if (returnUrl !== undefined && !config.allowedOrigins.includes(new URL(returnUrl).origin)) {
      return errorResponse(c, 400, 'invalid_request', 'return_url: must be on an allowed origin');
    }

    const sessionId = randomSecret();
    const streamToken = randomSecret();
    const attrId = config.useAttrUrl ? randomSecret() : undefined;
    const now = Date.now();
    // The session exists before the core is called: a fast auth plugin may post at once.
    await deps.store.create({
      id: sessionId,
      purpose,
      authMethod,
      returnUrl,
      streamTokenDigest: digest(streamToken),
      attrIdDigest: attrId && digest(attrId),
      createdAt: now,
      expiresAt: now + config.sessionTtlSeconds * 1000,
    });

    let clientUrl: string;
    try {
      clientUrl = await deps.core.start({
        purpose,
        auth_method: authMethod,
        comm_url: `${config.publicUrl}/return/${sessionId}`,
        ...(attrId ? { attr_url: `${config.internalUrl}/attributes/${attrId}` } : {}),
      });
    } catch (error) {
      await deps.store.delete(sessionId);
      if (!(error instanceof CoreError)) throw error;
      deps.logger.warn('core refused start', { status: error.status });
      return errorResponse(c, 502, 'core_refused', error.message);
    }

    const answer: CreateSessionResponse = {
      session_id: sessionId,
      client_url: clientUrl,
      events_url: `${config.publicUrl}/sessions/${sessionId}/events?token=${streamToken}`,
    };
    return c.json(answer, 201, { 'Cache-Control': 'no-store' });
  });
}
