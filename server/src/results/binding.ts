/**
 * A login's result belongs to the browser that started it. Without this, an
 * attacker starts a login in their own chat, sends the login page's address to
 * a victim, and the victim's identity lands in the attacker's conversation
 * (the cross-device attack of the IETF's "Cross-Device Flows" BCP).
 *
 * - The widget never sees the core's client_url. It gets a launch: a form POST
 *   to this backend (routes/launch.ts) that only a page on IDC_ALLOWED_ORIGINS
 *   can make (a browser cannot forge `Origin`). The launch sets a first-party
 *   cookie in that browser, keeps its digest, and sends the browser on.
 * - The comm_url (routes/return.ts) compares the cookie. A return without
 *   it is foreign: the result is refused for good, or withdrawn everywhere if
 *   it was already out.
 * - A result is released (resident's stream, employee's side, webhooks) only
 *   once the launching browser returned, no foreign return came, and
 *   IDC_BINDING_SETTLE_MS passed since the result: the victim's own return
 *   follows the auth plugin's POST within milliseconds, so an attacker racing
 *   to the comm_url with their own cookie loses.
 *
 * Core-started sessions have no binding: their one-time chat link binds them
 * to the first browser that uses it (routes/sessions-attach.ts).
 */
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { digest } from '../crypto/secrets.ts';
import type { SessionRecord } from '../store/session-store.ts';

/** Why a login's result did not reach the conversation (wire value, in identities and the resident's stream). */
export const OTHER_BROWSER = 'other_browser';

/**
 * The session's binding cookie: one per login, so two logins in one browser (two tabs) do not
 * overwrite each other's (a cross-site form POST does not carry SameSite=Lax cookies, so the launch
 * cannot see and reuse one). `__Host-` on https (no Domain, Path=/, Secure), plain on http (local
 * development). The name derives from the session id by digest, so it tells nothing.
 */
export function bindingCookieName(config: Pick<Config, 'publicUrl'>, sessionId: string): string {
  const name = `idc_binding_${digest(sessionId).slice(0, 16)}`;
  return config.publicUrl.startsWith('https:') ? `__Host-${name}` : name;
}

/** The resident's stream may deliver this session's result now. */
export function isReleased(session: SessionRecord): boolean {
  return session.result !== undefined && (session.binding === undefined || session.binding.releasedAt !== undefined);
}

/** The login ended in another browser: nothing of its result goes anywhere. */
export function isRefused(session: SessionRecord): boolean {
  return session.binding?.foreignAt !== undefined;
}

/**
 * Releases the session's result if it may go now, or looks again when the settle time is over.
 * Any instance may call this, any number of times: the release itself is one atomic store step.
 */
export async function settle(context: AppContext, sessionId: string): Promise<void> {
  const { config, deps, streams } = context;
  const outcome = await deps.store.bind(sessionId, { type: 'release', settleMs: config.bindingSettleMs });
  if (!outcome) return;
  const { session, changed } = outcome;
  if (changed) {
    deps.metrics.bindingOutcomes.inc({ outcome: 'released' });
    deps.logger.info('result released', { status: session.result!.status });
    await context.identities.resolved(session, session.result!);
    return;
  }
  const binding = session.binding!;
  if (session.result && binding.returnedAt !== undefined && binding.foreignAt === undefined && binding.releasedAt === undefined) {
    const due = (session.resultAt ?? 0) + config.bindingSettleMs;
    streams.deadlines.add(due, () => {
      settle(context, sessionId).catch((error: unknown) =>
        deps.logger.warn('release postponed: store unavailable', { reason: error instanceof Error ? error.name : 'unknown' }),
      );
    });
  }
}

/**
 * A return in another browser was recorded. Before the release, the result is refused: its
 * attributes go, and the employee sees a failed login and why. After it, the identity is
 * withdrawn everywhere: the employee's side, the resident's session, the login session at the
 * auth plugin (which belongs to whoever really logged in).
 */
export async function refuseForeign(context: AppContext, session: SessionRecord): Promise<void> {
  const { deps } = context;
  if (session.binding?.releasedAt !== undefined) {
    deps.metrics.bindingOutcomes.inc({ outcome: 'withdrawn' });
    deps.logger.warn('result withdrawn: the login ended in another browser');
    await deps.store.delete(session.id);
    if (session.result?.sessionUrl) void deps.sendFeedback(session.result.sessionUrl, 'logout');
    await context.identities.withdrawn(session);
    // A verified webhook still queued (the site's endpoint failing) carries someone else's details
    // to this conversation: it goes too. Per conversation, so another queued login there goes with it.
    if (session.conversation !== undefined) await deps.webhooks?.cancelConversation(session.conversation);
    return;
  }
  deps.metrics.bindingOutcomes.inc({ outcome: 'refused' });
  deps.logger.warn('result refused: the login ended in another browser');
  if (session.result) await deps.store.purgeAttributes(session.id);
  await context.identities.refused(session);
}
