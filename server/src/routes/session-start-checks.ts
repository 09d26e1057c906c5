/**
 * Checks of `POST /sessions` that need more than the request: whether the core
 * offers the chosen auth method for the purpose, and whether a conversation has
 * started too many logins. Each answers the refusal, or undefined to go on.
 */
import type { Context } from 'hono';
import type { AppContext } from '../context.ts';
import { CoreBusyError, CoreError, UnknownPurposeError } from '../upstream/core-client.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { sessionOptionsCache } from '../upstream/session-options-cache.ts';
import { MAX_TICKET_LIFETIME_SECONDS, TICKET_CLOCK_TOLERANCE_SECONDS } from '../conversation/tickets.ts';

/**
 * A return_url with user info (`https://user:pass@site/`) has the site's origin but carries
 * credentials (or something dressed as them) into the browser's address bar: refused.
 */
export function refuseReturnUrlUserInfo(c: Context, returnUrl: string | undefined): Response | undefined {
  if (returnUrl === undefined || !URL.canParse(returnUrl)) return undefined;
  const { username, password } = new URL(returnUrl);
  if (!username && !password) return undefined;
  return errorResponse(c, 400, 'invalid_request', 'return_url: must not contain user:password@');
}

/**
 * Only a tag the core offers for the purpose (its session options, from the shared cache) is
 * sent to the core's /start: anything else is refused here, before a session exists.
 */
export async function refuseUnofferedAuthMethod(
  c: Context,
  context: AppContext,
  purpose: string,
  authMethod: string,
): Promise<Response | undefined> {
  let tags: string[];
  try {
    tags = (await sessionOptionsCache(context).get(purpose)).auth_methods.map((method) => method.tag);
  } catch (error) {
    if (error instanceof UnknownPurposeError) {
      return errorResponse(c, 400, 'unknown_purpose', 'purpose: the ID Contact core does not know this purpose');
    }
    if (error instanceof CoreBusyError) return busyResponse(c, 'core_busy', error.message, 5);
    if (error instanceof CoreError) {
      context.deps.logger.warn('core unavailable', { route: 'sessions', reason: error.message });
      return errorResponse(c, 502, 'core_unavailable', error.message);
    }
    throw error;
  }
  if (tags.includes(authMethod)) return undefined;
  return errorResponse(c, 400, 'unknown_auth_method', 'auth_method: not one the ID Contact core offers for this purpose (see GET /session_options)');
}

/**
 * The window of the logins-per-conversation count: as long as a guest ticket may live. One
 * ticket (or one conversation's tickets over that time) can then start at most the cap; a
 * shorter window would let a leaked ticket start the cap again every window while it lives.
 */
export const LOGIN_WINDOW_MS = (MAX_TICKET_LIFETIME_SECONDS + TICKET_CLOCK_TOLERANCE_SECONDS) * 1000;

/** Counts a login started in `conversation`; past IDC_LOGINS_PER_CONVERSATION, the refusal. */
export async function refuseTooManyLogins(
  c: Context,
  { config, deps }: AppContext,
  conversation: string | undefined,
): Promise<Response | undefined> {
  if (conversation === undefined) return undefined;
  // Keyed by the conversation: a shared store keeps only its digest in key names.
  const { count, resetAt } = await deps.store.hit(`logins:${conversation}`, LOGIN_WINDOW_MS);
  if (count <= config.loginsPerConversation) return undefined;
  deps.logger.warn('too many logins in a conversation', { limit: config.loginsPerConversation });
  c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt - deps.now().getTime()) / 1000))));
  return errorResponse(c, 429, 'too_many_logins', 'this conversation has started too many logins; start a new conversation');
}
