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

/** `POST /sessions` answer. */
export interface Session {
  session_id: string;
  client_url: string;
  events_url: string;
}

export type Attributes = Record<string, string>;

/** Data of the `result` event; the wire spelling is `succes`, one s. */
export type ResultEvent = { status: 'succes'; attributes: Attributes } | { status: 'failed' };

/** Every error answer of the backend. */
export interface ErrorBody {
  error: string;
  message: string;
}
