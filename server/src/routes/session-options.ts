/**
 * `GET /session_options/:purpose`: the auth methods for a purpose, from the
 * core, with `image_path` made absolute. Answers are cached briefly (and
 * concurrent requests share one core call) so the chooser never waits on the
 * core more than once a minute.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreError, UnknownPurposeError } from '../core-client.ts';
import { errorResponse } from '../errors.ts';
import type { SessionOptionsResponse } from '../protocol.ts';

export const PURPOSE_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

export function sessionOptionsRoutes({ config, deps }: AppContext): Hono {
  const cache = new Map<string, { until: number; answer: Promise<SessionOptionsResponse> }>();

  function imageUrl(imagePath: string): string {
    if (/^https?:\/\//.test(imagePath)) return imagePath;
    return `${config.corePublicUrl}${imagePath.startsWith('/') ? '' : '/'}${imagePath}`;
  }

  async function fetchOptions(purpose: string): Promise<SessionOptionsResponse> {
    const options = await deps.core.sessionOptions(purpose);
    return {
      purpose,
      auth_methods: options.auth_methods.map((method) => ({
        tag: method.tag,
        name: method.name,
        image_url: imageUrl(method.image_path),
      })),
    };
  }

  function cachedOptions(purpose: string): Promise<SessionOptionsResponse> {
    const now = Date.now();
    const hit = cache.get(purpose);
    if (hit && hit.until > now) return hit.answer;
    const answer = fetchOptions(purpose);
    cache.set(purpose, { until: now + deps.optionsCacheMs, answer });
    // Failures are not remembered: the next request asks the core again.
    answer.catch(() => {
      if (cache.get(purpose)?.answer === answer) cache.delete(purpose);
    });
    return answer;
  }

  return new Hono().get('/:purpose', async (c) => {
    const purpose = c.req.param('purpose');
    if (!PURPOSE_PATTERN.test(purpose)) {
      return errorResponse(c, 404, 'unknown_purpose', 'no such purpose');
    }
    try {
      const answer = await cachedOptions(purpose);
      return c.json(answer, 200, { 'Cache-Control': `public, max-age=${Math.floor(deps.optionsCacheMs / 1000)}` });
    } catch (error) {
      if (error instanceof UnknownPurposeError) {
        return errorResponse(c, 404, 'unknown_purpose', `the ID Contact core does not know purpose "${purpose}"`);
      }
      if (error instanceof CoreError) {
        deps.logger.warn('core unavailable', { route: 'session_options', reason: error.message });
        return errorResponse(c, 502, 'core_unavailable', error.message);
      }
      throw error;
    }
  });
}
