/**
 * ID Contact wire format (see docs/protocol.md), as zod schemas.
 *
 * One module shared by the backend's routes, the demo's stand-in core and
 * auth plugin, and the tests. Field names and values are wire format and must
 * stay exactly as they are, including the `succes` spelling.
 */
import { z } from 'zod';

/** Only http(s): a `javascript:` URL is a valid URL too, and these end up in browsers. */
export const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

// ---------------------------------------------------------------------------
// Core API (section 1)
// ---------------------------------------------------------------------------

export const CoreMethod = z.object({
  tag: z.string().min(1),
  name: z.string(),
  image_path: z.string(),
});
export type CoreMethod = z.infer<typeof CoreMethod>;

/** `GET {core}/session_options/{purpose}` answer. */
export const CoreSessionOptions = z.object({
  /**
   * The purpose in plain words, when the core gives one. Not in the reference core's answer: an
   * optional extension that the employee's side and the request shown to the resident use.
   */
  name: z.string().min(1).max(200).optional(),
  auth_methods: z.array(CoreMethod),
  comm_methods: z.array(CoreMethod).optional(),
});
export type CoreSessionOptions = z.infer<typeof CoreSessionOptions>;

/** Body of `POST {core}/start` in the plain form, and `request` in the signed form. */
export const CoreStartRequest = z.object({
  purpose: z.string().min(1),
  auth_method: z.string().min(1),
  comm_url: HttpUrl,
  attr_url: HttpUrl.optional(),
});
export type CoreStartRequest = z.infer<typeof CoreStartRequest>;

/** Payload of the signed (`application/jwt`) form of `POST {core}/start`. */
export const CoreSignedStartClaims = z.object({
  request: CoreStartRequest,
  iat: z.number(),
  exp: z.number(),
});
export type CoreSignedStartClaims = z.infer<typeof CoreSignedStartClaims>;

/** Answer of `POST {core}/start` with `Accept: application/json`. */
export const CoreStartResponse = z.object({
  client_url: HttpUrl,
});
export type CoreStartResponse = z.infer<typeof CoreStartResponse>;

/** What the core sends an auth plugin's `POST /start_authentication`. */
export const AuthPluginStartRequest = z.object({
  attributes: z.array(z.string()),
  continuation: HttpUrl,
  attr_url: HttpUrl.optional(),
});
export type AuthPluginStartRequest = z.infer<typeof AuthPluginStartRequest>;

export const AuthPluginStartResponse = z.object({
  client_url: HttpUrl,
});
export type AuthPluginStartResponse = z.infer<typeof AuthPluginStartResponse>;

// ---------------------------------------------------------------------------
// Communication plugin API, called by the core (section 2)
// ---------------------------------------------------------------------------

export const StartCommunicationRequest = z.object({
  purpose: z.string().min(1),
  auth_result: z.string().min(1).optional(),
});
export type StartCommunicationRequest = z.infer<typeof StartCommunicationRequest>;

export const StartCommunicationResponse = z.object({
  client_url: HttpUrl,
  attr_url: HttpUrl.optional(),
});
export type StartCommunicationResponse = z.infer<typeof StartCommunicationResponse>;

// ---------------------------------------------------------------------------
// The authentication result (section 3)
// ---------------------------------------------------------------------------

export const RESULT_SUBJECT = 'id-contact-attributes';

/** The wire spelling is `succes`, one s. */
export const AuthStatus = z.enum(['succes', 'failed']);
export type AuthStatus = z.infer<typeof AuthStatus>;

/** Decrypted JWE payload: it wraps the signed JWS. */
export const ResultEnvelope = z.object({
  njwt: z.string().min(1),
});

export const Attributes = z.record(z.string(), z.string());
export type Attributes = z.infer<typeof Attributes>;

/** Claims of the inner JWS. */
export const ResultClaims = z.object({
  sub: z.literal(RESULT_SUBJECT),
  status: AuthStatus,
  attributes: Attributes.optional(),
  session_url: HttpUrl.optional(),
  iat: z.number(),
  exp: z.number(),
});
export type ResultClaims = z.infer<typeof ResultClaims>;

/** What we keep of a verified result: never the token itself. */
export interface VerifiedResult {
  status: AuthStatus;
  attributes: Attributes;
  sessionUrl?: string;
}

// ---------------------------------------------------------------------------
// Our own browser-side interface (backend <-> widget)
// ---------------------------------------------------------------------------

export const AuthMethodOption = z.object({
  tag: z.string().describe("The method's tag: the `auth_method` of `POST /sessions`"),
  name: z.string().describe('Its name, to show (Yivi, DigiD, …)'),
  image_url: z.string().describe('Its logo on the core\'s public origin, or "" (an image anywhere else is dropped)'),
});
export type AuthMethodOption = z.infer<typeof AuthMethodOption>;

/** `GET /session_options/:purpose` answer. */
export const SessionOptionsResponse = z.object({
  purpose: z.string(),
  name: z.string().optional().describe("The core's name for the purpose, when it has one"),
  auth_methods: z.array(AuthMethodOption),
});
export type SessionOptionsResponse = z.infer<typeof SessionOptionsResponse>;

/** `POST /sessions` body. */
export const CreateSessionRequest = z.object({
  purpose: z.string().min(1).max(200),
  auth_method: z.string().min(1).max(200).describe('A tag the core offers for the purpose (`GET /session_options/{purpose}`)'),
  return_url: HttpUrl.max(2000).optional().describe('Where the return page sends a resident who logged in without a popup; on an allowed origin'),
  lang: z.enum(['nl', 'en']).optional().describe("The widget's language: the launch and return pages speak it"),
  ticket: z.string().min(1).max(4096).optional().describe("A guest ticket from the site's server, binding the login to its conversation (required when the backend has IDC_TICKET_SECRET)"),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/**
 * `POST /sessions` answer (201). Not the core's client_url: the widget sends the browser to
 * `launch_url` with a form POST carrying `launch_token` (see server/src/results/binding.ts).
 */
export const CreateSessionResponse = z.object({
  session_id: z.string(),
  launch_url: HttpUrl.describe('Where the widget sends the browser, top-level, with a form POST of `launch_token`'),
  launch_token: z.string().describe('Good for one launch'),
  events_url: HttpUrl.describe("The login's event stream, with its capability token (`?token=`)"),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** Why a login is `failed` or `withdrawn` when it is not the login's own outcome: it ended in another browser. */
export const IdentityReason = z.enum(['other_browser']);

/** Data of the `result` event on the session stream. `logout`: the login keeps a session the user can end. */
export const ResultEvent = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('succes').describe('The wire spelling: one s'),
    attributes: Attributes.describe('The verified attributes, as the auth plugin signed them'),
    logout: z.boolean().optional().describe('The login keeps a session at the auth plugin that the resident can end (`POST /sessions/{session_id}/logout`)'),
  }),
  z.object({
    status: z.literal('failed'),
    reason: IdentityReason.optional().describe('`other_browser`: the login ended in another browser than this one (start again here)'),
  }),
]);
export type ResultEvent = z.infer<typeof ResultEvent>;

/** Query parameter on the chat URL carrying a core-initiated session's one-time reference. */
export const SESSION_REFERENCE_PARAM = 'id-contact-session';

/** `POST /sessions/attach` body: a chat page exchanges the reference (and any `?result=`) once. */
export const AttachSessionRequest = z.object({
  reference: z.string().min(1).max(200).describe('The one-time reference of the chat URL (`?id-contact-session=`)'),
  result: z.string().min(1).max(16 * 1024).optional().describe('The `?result=` the chat URL carried (a compact JWE), if any'),
  ticket: z.string().min(1).max(4096).optional().describe("A guest ticket from the site's server, as for `POST /sessions`"),
});
export type AttachSessionRequest = z.infer<typeof AttachSessionRequest>;

/** `POST /sessions/attach` answer. */
export const AttachSessionResponse = z.object({
  session_id: z.string(),
  events_url: HttpUrl,
});
export type AttachSessionResponse = z.infer<typeof AttachSessionResponse>;

/** `POST /sessions/:id/activity` answer (202). */
export const ActivityResponse = z.object({ forwarded: z.boolean().describe("Whether it went to the auth plugin's session_url now (at most once a minute)") });

/** `POST /sessions/:id/logout` answer. */
export const LogoutResponse = z.object({ status: z.literal('logged_out') });

/** Data of the `state` event on the session stream. */
export const StateEvent = z.object({ state: z.literal('waiting') });

/**
 * `GET /sessions/:id/status` answer (`Authorization: Bearer <stream token>`): what the session's
 * stream would say now, for a widget whose stream does not arrive (a buffering proxy) or may have
 * died (a phone that was in the background). `result` is delivered as on the stream.
 */
export const SessionStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('waiting') }),
  z.object({ state: z.literal('result'), result: ResultEvent }),
  z.object({ state: z.literal('expired') }),
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** `POST /attributes/:attr_id` answer: the result verified and was taken. */
export const ResultAccepted = z.object({ status: z.literal('accepted') });
export type ResultAccepted = z.infer<typeof ResultAccepted>;

/** `GET /healthz`: the process answers; `widget` says whether the bundles are built. */
export const Health = z.object({ status: z.literal('ok'), widget: z.enum(['ok', 'missing']) });
export type Health = z.infer<typeof Health>;

/** `GET /readyz`: 200 `ready`; 503 `unavailable`, naming what is missing when waiting will not help. */
export const Readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.literal('unavailable').optional(),
  widget: z.literal('missing').optional(),
  message: z.string().optional(),
});
export type Readiness = z.infer<typeof Readiness>;

/** Every error answer of our interface. */
export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

// ---------------------------------------------------------------------------
// The employee's side (agent routes, webhooks)
// ---------------------------------------------------------------------------

export const IdentityStatus = z.enum(['waiting', 'verified', 'failed', 'logged_out', 'expired', 'forgotten', 'withdrawn']);
export type IdentityStatus = z.infer<typeof IdentityStatus>;

/** A login in a conversation as the employee's side sees it. `id` is not the session id: it grants nothing. */
export const Identity = z.object({
  id: z.string().describe('Not the session id: it grants nothing'),
  purpose: z.string(),
  auth_method: z.string().nullable().describe('Null when the core started the session: the result does not say which method was used'),
  status: IdentityStatus,
  attributes: Attributes.optional().describe('Only while `verified`'),
  reason: IdentityReason.optional().describe('With `failed` or `withdrawn`: the login ended in another browser than the one that started it'),
  purpose_name: z.string().optional().describe("The core's name for the purpose, when it has one"),
  updated_at: z.iso.datetime(),
});
export type Identity = z.infer<typeof Identity>;

/** `GET /agent/identities` answer. */
export const AgentIdentitiesResponse = z.object({
  conversation: z.string(),
  identities: z.array(Identity),
});
export type AgentIdentitiesResponse = z.infer<typeof AgentIdentitiesResponse>;

/**
 * A request to verify, as it stands. `pending` until a login for it starts in the conversation
 * (`started`, with that login's identity id), the resident declines (`declined`), or
 * `expires_at` passes (`expired`, IDC_REQUEST_TTL_SECONDS after it was made).
 */
export const RequestStatus = z.enum(['pending', 'started', 'declined', 'expired']);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const VerificationRequest = z.object({
  id: z.string(),
  purpose: z.string(),
  purpose_name: z.string().optional().describe("The core's name for the purpose, when it has one"),
  status: RequestStatus,
  identity_id: z.string().optional().describe("With `started`: the identity (an Identity's `id`) of the login it led to; never on the resident's side"),
  expires_at: z.iso.datetime().describe('When a pending request expires'),
  updated_at: z.iso.datetime().describe('The last change; of two versions of one request, the later one counts'),
});
export type VerificationRequest = z.infer<typeof VerificationRequest>;

/** `POST /agent/requests` body (host ticket): ask the conversation's resident to log in for `purpose`. 201: a VerificationRequest. */
export const CreateVerificationRequest = z.object({
  purpose: z.string().min(1).max(100),
});
export type CreateVerificationRequest = z.infer<typeof CreateVerificationRequest>;

/**
 * `GET /agent/requests` (host ticket) and `GET /requests/current` (guest ticket) answer; also the
 * data of every `request` event on `GET /agent/events` and `GET /requests/events`: the
 * conversation's latest request, or null. The resident's side gets the same fields but `identity_id`.
 */
export const CurrentRequest = z.object({ request: VerificationRequest.nullable() });
export type CurrentRequest = z.infer<typeof CurrentRequest>;

/** `identity.forgotten`: the employee pressed Forget (DELETE /agent/identities); it carries no attributes. */
export const IdentityWebhookEventType = z.enum(['identity.verified', 'identity.failed', 'identity.logged_out', 'identity.withdrawn', 'identity.forgotten']);
/** `verification.requested`: an employee asked the conversation's resident to log in (POST /agent/requests). */
export const RequestWebhookEventType = z.enum(['verification.requested']);
export const WebhookEventType = z.enum([...IdentityWebhookEventType.options, ...RequestWebhookEventType.options]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/**
 * Body of a webhook POST: the identity and its conversation. A login bound to no conversation sends
 * none: a webhook never carries attributes that no conversation holds (a core-started login's goes
 * when the chat page binds it).
 */
export const IdentityWebhookEvent = z.object({
  type: IdentityWebhookEventType,
  timestamp: z.iso.datetime(),
  data: Identity.extend({ conversation: z.string() }),
});
export type IdentityWebhookEvent = z.infer<typeof IdentityWebhookEvent>;
export const RequestWebhookEvent = z.object({
  type: RequestWebhookEventType,
  timestamp: z.iso.datetime(),
  data: VerificationRequest.extend({ conversation: z.string() }),
});
export type RequestWebhookEvent = z.infer<typeof RequestWebhookEvent>;
export const WebhookEvent = z.union([IdentityWebhookEvent, RequestWebhookEvent]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
