/**
 * Type-level check, run by `npm run typecheck`: the widget's own wire types
 * (widget/src/shared/wire.ts) must stay interchangeable with the backend's schemas.
 */
import type * as Server from '../../../server/src/protocol.ts';
import type * as Widget from '../../src/shared/wire.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<Widget.AuthMethod, Server.AuthMethodOption>,
  Same<Widget.SessionOptions, Server.SessionOptionsResponse>,
  Same<Widget.Session, Server.CreateSessionResponse>,
  Same<Widget.AttachedSession, Server.AttachSessionResponse>,
  Same<typeof Widget.REFERENCE_PARAM, typeof Server.SESSION_REFERENCE_PARAM>,
  Same<Widget.Attributes, Server.Attributes>,
  Same<Widget.ErrorBody, Server.ErrorResponse>,
  Same<Widget.Identity, Server.Identity>,
  Same<Widget.AgentIdentities, Server.AgentIdentitiesResponse>,
  // The server may add fields to a result event; the widget reads what it knows.
  Server.ResultEvent extends Widget.ResultEvent ? true : false,
  Same<Widget.SessionStatus, Server.SessionStatus>,
  Same<Widget.VerificationRequest, Server.VerificationRequest>,
  Same<Widget.CurrentRequest, Server.CurrentRequest>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
export default checks;
