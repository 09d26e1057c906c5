/**
 * Taking in an authentication result for a session, whichever way it came
 * (attr_url POST, `?result=` on the return page, inline at start): verify
 * once, refuse replays, keep only the verified attributes, wake the stream.
 */
import { AuthResultError, verifyAuthResult } from './auth-result.ts';
import type { AppContext } from './context.ts';
import { digest } from './secrets.ts';
import type { SessionRecord } from './store/session-store.ts';

export type IntakeOutcome =
  | { accepted: true }
  | { accepted: false; status: 400 | 404 | 409; error: string; message: string };

const ALREADY: IntakeOutcome = {
  accepted: false,
  status: 409,
  error: 'result_already_received',
  message: 'this session already has its result',
};

export async function takeResult({ config, deps }: AppContext, session: SessionRecord, token: string, via: string): Promise<IntakeOutcome> {
  if (session.result) return refuse(deps, ALREADY, via);

  let verified;
  try {
    verified = await verifyAuthResult(token, config, { now: deps.now() });
  } catch (error) {
    if (!(error instanceof AuthResultError)) throw error;
    return refuse(deps, { accepted: false, status: 400, error: error.code, message: error.message }, via);
  }

  if (!(await deps.store.claimToken(digest(token.trim()), verified.expiresAt.getTime()))) {
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
  deps.logger.info('result accepted', { via, status: verified.result.status });
  return { accepted: true };
}

function refuse(deps: AppContext['deps'], outcome: IntakeOutcome, via: string): IntakeOutcome {
  if (!outcome.accepted) deps.logger.warn('result refused', { via, error: outcome.error });
  return outcome;
}
