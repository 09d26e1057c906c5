/**
 * What the resident's page is told of its session now. The stream's final event
 * (routes/sessions-events.ts) and the polling fallback's answer (routes/sessions-status.ts) both
 * come from here, so a widget hears the same whichever way reaches it: a login refused for
 * another browser is a plain failure, a result not yet released (results/binding.ts) is still
 * waiting, and a result handed over is marked delivered the same way.
 */
import type { AppContext } from '../context.ts';
import type { ResultEvent } from '../protocol.ts';
import type { SessionRecord } from '../store/session-store.ts';
import { isRefused, isReleased, OTHER_BROWSER } from './binding.ts';

export type ResidentView =
  /** `release`: a result is in but not yet released; settle() may let it go now. */
  | { state: 'waiting'; release: boolean }
  /** `delivers`: handing it over marks the session delivered (a refusal has nothing to deliver). */
  | { state: 'result'; result: ResultEvent; delivers: boolean }
  /** The session ended without a result (or is gone). */
  | { state: 'expired' }
  /** The result went out and its attributes are deleted since: nothing left to tell. */
  | { state: 'delivered' };

export function resultEventData(session: SessionRecord): ResultEvent {
  if (isRefused(session)) return { status: 'failed', reason: OTHER_BROWSER };
  const result = session.result!;
  if (result.status === 'failed') return { status: 'failed' };
  return { status: 'succes', attributes: result.attributes, ...(result.sessionUrl ? { logout: true } : {}) };
}

/** `session` as the store has it now (undefined: gone); `now` from the app's clock. */
export function residentView(session: SessionRecord | undefined, now: number): ResidentView {
  // The login ended in another browser: a plain failure here, nothing of the result.
  if (session && isRefused(session)) return { state: 'result', result: resultEventData(session), delivers: false };
  // Waiting for this browser's return, or the settle time.
  if (session?.result && !isReleased(session)) return { state: 'waiting', release: true };
  if (session?.result) return session.attributesPurged ? { state: 'delivered' } : { state: 'result', result: resultEventData(session), delivers: true };
  if (!session || session.expiresAt <= now) return { state: 'expired' };
  return { state: 'waiting', release: false };
}

/**
 * The result reached the resident's page: its attributes stay the grace period for a page that
 * missed it, then go; a login with a session_url stays for activity and logout.
 */
export async function markResultDelivered({ config, deps }: AppContext, session: SessionRecord): Promise<void> {
  const retainMs = session.result?.sessionUrl ? config.feedbackTtlSeconds * 1000 : undefined;
  await deps.store.markDelivered(session.id, config.resultGraceSeconds * 1000, retainMs);
}
