/**
 * `GET /session_options/:purpose`: the auth methods for a purpose, from the
 * core, with `image_path` made absolute (see upstream/session-options-cache.ts, whose
 * cache POST /sessions shares) so the chooser never waits on the core more than
 * once a minute. Only a request that reaches the core counts against the
 * client's rate limit.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreBusyError, CoreError, UnknownPurposeError } from '../upstream/core-client.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { sessionStartLimit } from '../http/rate-limit.ts';
import { PURPOSE_PATTERN, sessionOptionsCache } from '../upstream/session-options-cache.ts';

export function sessionOptionsRoutes(context: AppContext): Hono {
  const { deps } = context;
  const options = sessionOptionsCache(context);

  const wellFormed = (purpose: string | undefined) => purpose !== undefined && PURPOSE_PATTERN.test(purpose);
  // A cached answer (or a malformed purpose, refused without the core) costs nothing: not counted.
  const limit = sessionStartLimit(context, (c) => !wellFormed(c.req.param('purpose')) || options.has(c.req.param('purpose')!));

  return new Hono().get('/:purpose', limit, async (c) => {
    const purpose = c.req.param('purpose');
    if (!wellFormed(purpose)) {
      return errorResponse(c, 404, 'unknown_purpose', 'no such purpose');
    }
    try {
      const answer = await options.get(purpose);
      return c.json(answer, 200, { 'Cache-Control': `public, max-age=${Math.floor(deps.optionsCacheMs / 1000)}` });
    } catch (error) {
      if (error instanceof UnknownPurposeError) {
        return errorResponse(c, 404, 'unknown_purpose', `the ID Contact core does not know purpose "${purpose}"`);
      }
      if (error instanceof CoreBusyError) return busyResponse(c, 'core_busy', error.message, 5);
      if (error instanceof CoreError) {
        deps.logger.warn('core unavailable', { route: 'session_options', reason: error.message });
        return errorResponse(c, 502, 'core_unavailable', error.message);
      }
      throw error;
    }
  });
}
