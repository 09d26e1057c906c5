/**
 * `GET /session_options/:purpose`: the auth methods for a purpose, from the
 * core, with `image_path` made absolute. Answers are cached briefly (and
 * concurrent requests share one core call) so the chooser never waits on the
 * core more than once a minute; a purpose the core does not know is
 * remembered for a while too, so asking again and again costs no core calls.
 * Only a request that reaches the core counts against the client's rate limit.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreBusyError, CoreError, UnknownPurposeError } from '../core-client.ts';
import { busyResponse, errorResponse } from '../errors.ts';
import type { SessionOptionsResponse } from '../protocol.ts';
import { sessionStartLimit } from '../rate-limit.ts';

export const PURPOSE_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
/** How long "the core does not know this purpose" is believed. */
export const UNKNOWN_PURPOSE_CACHE_MS = 30_000;
/** Purposes remembered at most; the oldest entry goes first. */
const MAX_CACHED_PURPOSES = 1000;

export function sessionOptionsRoutes(context: AppContext): Hono {
  const { config, deps } = context;
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

  function cached(purpose: string): Promise<SessionOptionsResponse> | undefined {
    const hit = cache.get(purpose);
    return hit && hit.until > Date.now() ? hit.answer : undefined;
  }

  function remember(purpose: string, answer: Promise<SessionOptionsResponse>, forMs: number): void {
    cache.delete(purpose);
    if (cache.size >= MAX_CACHED_PURPOSES) cache.delete(cache.keys().next().value!);
    cache.set(purpose, { until: Date.now() + forMs, answer });
  }

  function cachedOptions(purpose: string): Promise<SessionOptionsResponse> {
    const hit = cached(purpose);
    if (hit) return hit;
    const answer = fetchOptions(purpose);
    remember(purpose, answer, deps.optionsCacheMs);
    answer.catch((error) => {
      if (cache.get(purpose)?.answer !== answer) return;
      // An unknown purpose stays known as such for a while; other failures are not remembered.
      if (error instanceof UnknownPurposeError) remember(purpose, answer, UNKNOWN_PURPOSE_CACHE_MS);
      else cache.delete(purpose);
    });
    return answer;
  }

  const wellFormed = (purpose: string | undefined) => purpose !== undefined && PURPOSE_PATTERN.test(purpose);
  // A cached answer (or a malformed purpose, refused without the core) costs nothing: not counted.
  const limit = sessionStartLimit(context, (c) => !wellFormed(c.req.param('purpose')) || cached(c.req.param('purpose')!) !== undefined);

  return new Hono().get('/:purpose', limit, async (c) => {
    const purpose = c.req.param('purpose');
    if (!wellFormed(purpose)) {
      return errorResponse(c, 404, 'unknown_purpose', 'no such purpose');
    }
    try {
      const answer = await cachedOptions(purpose);
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
