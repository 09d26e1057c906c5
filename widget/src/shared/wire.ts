/**
 * The backend's browser-side interface as the widget sees it.
 *
 * Declared here, not imported from server/src/protocol.ts, so that the
 * package's .d.ts stands alone (no zod, no server paths). widget/test/
 * wire-compat.ts makes tsc fail if the two drift apart.
 */

export interface AuthMethod {
  tag: string;
  name: string;
  /** Absolute URL of the method's icon. */
  image_url: string;
}

/** `GET /session_options/:purpose` answer. */
export interface SessionOptions {
  purpose: string;
  /** The core's name for the purpose, when it has one. */
  name?: string;
  auth_methods: AuthMethod[];
}

/** `POST /sessions/attach` answer: a session the core started, reached through the chat link. */
export interface AttachedSession {
  session_id: string;
  /** Carries the session's token as `?token=`, also the Bearer for activity and logout. */
  events_url: string;
}

/**
 * `POST /sessions` answer. The login starts with a form POST of `launch_token`
 * (field `token`) to `launch_url`, in the window that is to show the login:
 * the backend ties the login to this browser there, then sends it on.
 */
export interface Session extends AttachedSession {
  launch_url: string;
  launch_token: string;
}

/** Query parameter of the chat link carrying a core-initiated session's one-time reference. */
export const REFERENCE_PARAM = 'id-contact-session';

export type Attributes = Record<string, string>;

/** Data of the `result` event; the wire spelling is `succes`, one s. */
/** `logout`: the login keeps a session at the auth plugin, which the user can end. */
export type ResultEvent =
  | { status: 'succes'; attributes: Attributes; logout?: boolean }
  /** `reason` `other_browser`: the login ended in another browser than this one. */
  | { status: 'failed'; reason?: IdentityReason };

/** Why a login failed or was withdrawn when it is not the login's own outcome. */
export type IdentityReason = 'other_browser';

/** Every error answer of the backend. */
export interface ErrorBody {
  error: string;
  message: string;
}

/**
 * Agent side (`<id-contact-agent>`), authorised by a host ticket as
 * `Authorization: Bearer <ticket>`: `GET /agent/events` (text/event-stream of
 * `identity` events, and `ticket_expired` before the server ends it) and
 * `DELETE /agent/identities` (204: the conversation's attributes are deleted).
 */
export type IdentityStatus = 'waiting' | 'verified' | 'failed' | 'logged_out' | 'expired' | 'forgotten' | 'withdrawn';

/** Data of an `identity` event: one login in the conversation, as it is now. */
export interface Identity {
  id: string;
  purpose: string;
  /** The auth method's tag (`irma`, `digid`, …); null when the core started the session. */
  auth_method: string | null;
  status: IdentityStatus;
  /** Only while `verified`. */
  attributes?: Attributes;
  /** With `failed` or `withdrawn`: the login ended in another browser than the one that started it. */
  reason?: IdentityReason;
  /** The core's name for the purpose, when it has one. */
  purpose_name?: string;
  /** ISO 8601; of two versions of one identity, the later one counts. */
  updated_at: string;
}

/** `GET /sessions/:id/status` answer (Bearer: the stream token): what the stream would say now. */
export type SessionStatus = { state: 'waiting' } | { state: 'result'; result: ResultEvent } | { state: 'expired' };

export type RequestStatus = 'pending' | 'started' | 'declined' | 'expired';

/**
 * An employee's request that the resident log in (`POST /agent/requests`). Pending until a login
 * for it starts in the conversation, the resident declines, or `expires_at` passes.
 */
export interface VerificationRequest {
  id: string;
  purpose: string;
  /** The core's name for the purpose, when it has one. */
  purpose_name?: string;
  status: RequestStatus;
  /** With `started`, on the employee's side only: the identity of the login it led to. */
  identity_id?: string;
  /** ISO 8601. */
  expires_at: string;
  /** ISO 8601; of two versions of one request, the later one counts. */
  updated_at: string;
}

/**
 * Data of every `request` event (`GET /agent/events`, `GET /requests/events`) and the answer of
 * `GET /agent/requests` and `GET /requests/current`: the conversation's latest request, or null.
 */
export interface CurrentRequest {
  request: VerificationRequest | null;
}

/** `GET /agent/identities` answer. */
export interface AgentIdentities {
  conversation: string;
  identities: Identity[];
}

/** The `error` of a 401 from the agent routes. */
export type TicketError = 'ticket_expired' | 'invalid_ticket' | 'ticket_required';
