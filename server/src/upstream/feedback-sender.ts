/**
 * Session feedback to an auth plugin's session_url (docs/protocol.md section 5),
 * server side only: `POST {session_url}?type=user_active|logout`.
 *
 * Auth plugins never fail these calls, but networks do: each call is bounded
 * in time and retried a little, and a failure is logged (without the URL or
 * anything personal) and otherwise ignored, so it can never break the chat.
 */
import type { Logger } from '../observability/logger.ts';

export type FeedbackType = 'user_active' | 'logout';

export interface FeedbackOptions {
  timeoutMs: number;
  /** Delays before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
}

export const DEFAULT_FEEDBACK_OPTIONS: FeedbackOptions = { timeoutMs: 3000, retryDelaysMs: [250, 1000] };

export type FeedbackSender = (sessionUrl: string, type: FeedbackType) => Promise<boolean>;

export function createFeedbackSender(logger: Logger, options: FeedbackOptions = DEFAULT_FEEDBACK_OPTIONS): FeedbackSender {
  return async (sessionUrl, type) => {
    const url = new URL(sessionUrl);
    url.searchParams.set('type', type);
    let reason = '';
    for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.retryDelaysMs[attempt - 1]));
      try {
        // A redirect is never followed: it could point the backend at an inner address.
        const response = await fetch(url, { method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
        await response.body?.cancel();
        if (response.ok) return true;
        reason = response.status >= 300 && response.status < 400 ? `redirect ${response.status} not followed` : `status ${response.status}`;
        // A 4xx will not get better by asking again.
        if (response.status < 500) break;
      } catch (error) {
        reason = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable';
      }
    }
    logger.warn('session feedback failed', { type, reason });
    return false;
  };
}
