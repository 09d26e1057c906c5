/**
 * Taking in an authentication result for a session, whichever way it came
 * (attr_url POST, `?result=` on the return page, inline at start): verify
 * once, refuse replays, keep only the verified attributes, wake the stream.
 */
import { AuthResultError, verifyAuthResult } from './auth-result.ts';
import { isRefused, settle } from './binding.ts';
import type { AppContext } from '../context.ts';
import type { SessionRecord } from '../store/session-store.ts';

export type IntakeOutcome =
  | { accepted: true }
  | { accepted: false; status: 400 | 404 | 409; error: string; message: string };

const ALREADY: IntakeOutcome = {
  accepted: false,
  status: 409,
  error: 'result_already_received',
  message: 'this session already has its result',
};

export async function takeResult(context: AppContext, session: SessionRecord, token: string, via: string): Promise<IntakeOutcome> {
  const { config, deps } = context;
  if (session.result) return refuse(deps, ALREADY, via);
  if (isRefused(session)) return refuse(deps, REFUSED, via);

  let verified;
  try {
    verified = await verifyAuthResult(token, config, { now: deps.now() });
  } catch (error) {
    if (!(error instanceof AuthResultError)) throw error;
    return refuse(deps, { accepted: false, status: 400, error: error.code, message: error.message }, via);
  }
  const sessionUrl = verified.result.sessionUrl;
  if (sessionUrl && config.sessionUrlOrigins && !config.sessionUrlOrigins.includes(new URL(sessionUrl).origin)) {
    // The backend POSTs to session_url: only to auth plugins the operator named.
    return refuse(
      deps,
      { accepted: false, status: 400, error: 'invalid_claims', message: 'result claims are invalid: session_url is not on an allowed origin (IDC_SESSION_URL_ORIGINS)' },
      via,
    );
  }

  // A failed result carries no identity, and two residents failing in the same second at one
  // plugin get byte-identical ones (same claims, deterministic RS256): only successes are claimed.
  if (verified.result.status === 'succes' && !(await deps.store.claimToken(verified.replayKey, verified.expiresAt.getTime()))) {
    return refuse(
      deps,
      { accepted: false, status: 409, error: 'result_replayed', message: 'this result was already used' },
      via,
    );
  }

  const outcome = await deps.store.attachResult(session.id, verified.result);
  if (outcome === 'already_has_result') return refuse(deps, ALREADY, via);
  if (outcome === 'not_found') {
    return refuse(deps, { accepted: false, status: 404, error: 'unknown_session', message: 'the session has ended' }, via);
  }
  if (session.binding) {
    // A widget-started login's result goes out only once its own browser is back (binding.ts).
    const now = await deps.store.get(session.id);
    if (now && isRefused(now)) await deps.store.purgeAttributes(session.id); // a foreign return won the race
    else await settle(context, session.id);
  } else {
    await context.identities.resolved(session, verified.result);
  }
  deps.logger.info('result accepted', { via, status: verified.result.status });
  deps.metrics.resultsAccepted.inc({ via, status: verified.result.status });
  return { accepted: true };
}

const REFUSED: IntakeOutcome = {
  accepted: false,
  status: 409,
  error: 'login_refused',
  message: 'this login ended in another browser than the one that started it',
};

function refuse(deps: AppContext['deps'], outcome: IntakeOutcome, via: string): IntakeOutcome {
  if (!outcome.accepted) {
    deps.logger.warn('result refused', { via, error: outcome.error });
    deps.metrics.resultsRefused.inc({ via, error: outcome.error });
  }
  return outcome;
}
