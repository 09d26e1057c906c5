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
  auth_methods: AuthMethod[];
}

/** `POST /sessions/attach` answer: a session the core started, reached through the chat link. */
export interface AttachedSession {
  session_id: string;
  /** Carries the session's token as `?token=`, also the Bearer for activity and logout. */
  events_url: string;
}

/** `POST /sessions` answer. */
export interface Session extends AttachedSession {
  client_url: string;
}

/** Query parameter of the chat link carrying a core-initiated session's one-time reference. */
export const REFERENCE_PARAM = 'id-contact-session';

export type Attributes = Record<string, string>;

/** Data of the `result` event; the wire spelling is `succes`, one s. */
/** `logout`: the login keeps a session at the auth plugin, which the user can end. */
export type ResultEvent = { status: 'succes'; attributes: Attributes; logout?: boolean } | { status: 'failed' };

/** Every error answer of the backend. */
export interface ErrorBody {
  error: string;
  message: string;
}
