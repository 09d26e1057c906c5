/**
 * The resident's side, called by the widget in the site's page (CORS for
 * IDC_ALLOWED_ORIGINS): login methods, sessions, their stream and status,
 * the launch and the return of the login (docs/binding.md), and the
 * employee's requests to verify.
 */
import {
  ActivityResponse,
  AttachSessionRequest,
  AttachSessionResponse,
  CreateSessionRequest,
  CreateSessionResponse,
  CurrentRequest,
  LogoutResponse,
  ResultEvent,
  SessionOptionsResponse,
  SessionStatus,
  StateEvent,
} from '../protocol.ts';
import {
  CORE_BUSY,
  error,
  INVALID_REQUEST,
  originRefused,
  responses,
  SESSION_STARTS_LIMITED,
  STORE_UNAVAILABLE,
  STREAMS_FULL,
  ticketRefused,
  TOO_LARGE,
} from './common-responses.ts';
import { pathParameter, type Operation } from './operation.ts';

const SESSION_ID = pathParameter('session_id', 'The session, as `POST /sessions` or `POST /sessions/attach` answered it');
const LANG = { in: 'query', name: 'lang', description: 'The language of the page (`nl` or `en`; else `Accept-Language`, else Dutch)', schema: { type: 'string', enum: ['nl', 'en'] } } as const;

/** A guest ticket in the body of a session start (`guest-ticket.ts`), when the operator uses tickets. */
const GUEST_TICKET_IN_BODY = responses(
  error(401, 'IDC_TICKET_SECRET is set and `ticket` is missing or does not verify', ['ticket_required', 'invalid_ticket']),
  error(403, "The ticket is for another purpose (and no pending request of the employee's asks for this one)", ['purpose_mismatch']),
);

const SESSION_TOKEN_REFUSED = responses(
  error(403, 'The session token does not match', ['invalid_token']),
  error(404, 'No such session, or it has ended', ['unknown_session']),
);

export const residentOperations: Operation[] = [
  {
    method: 'get',
    path: '/session_options/{purpose}',
    operationId: 'getSessionOptions',
    tag: 'resident',
    summary: 'The login methods the core offers for a purpose',
    description:
      "From the core, cached for 60 s (concurrent asks share one core call). `image_path` is resolved against IDC_CORE_PUBLIC_URL into `image_url` (an image on another origin is dropped: `\"\"`). Asks that reach the core count in the session starts per client address.",
    parameters: [pathParameter('purpose', 'The purpose, as the core names it')],
    responses: responses(
      { 200: { description: 'The methods', json: SessionOptionsResponse, headers: ['Cache-Control'] } },
      error(404, 'The core does not know the purpose (or it is malformed)', ['unknown_purpose']),
      SESSION_STARTS_LIMITED,
      error(502, 'The core is down or answered nonsense', ['core_unavailable']),
      CORE_BUSY,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/sessions',
    operationId: 'createSession',
    tag: 'login',
    summary: 'Start a login',
    description:
      "Creates the session, calls the core's `/start` and keeps its `client_url`: the browser gets there only through `launch_url` (a form POST with `launch_token`). `events_url` carries the stream's capability token. With IDC_TICKET_SECRET set, `ticket` (a guest ticket from the site's server) binds the login to its conversation.",
    body: { json: CreateSessionRequest },
    responses: responses(
      { 201: { description: 'The session', json: CreateSessionResponse } },
      error(400, 'A field is invalid, or the core does not offer this purpose or method', ['invalid_request', 'unknown_purpose', 'unknown_auth_method']),
      GUEST_TICKET_IN_BODY,
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(404, 'The session ended before the core answered', ['unknown_session']),
      TOO_LARGE,
      SESSION_STARTS_LIMITED,
      error(429, "Too many logins in this ticket's conversation (IDC_LOGINS_PER_CONVERSATION)", ['too_many_logins'], ['Retry-After']),
      error(502, 'The core refused the start or is down', ['core_refused', 'core_unavailable']),
      error(503, 'Too many logins in progress (IDC_MAX_SESSIONS)', ['too_many_sessions'], ['Retry-After']),
      CORE_BUSY,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/sessions/attach',
    operationId: 'attachSession',
    tag: 'login',
    summary: 'Take over a session the core started (the chat link)',
    description:
      "The chat page exchanges the one-time reference from its URL (`?id-contact-session=`), with the `?result=` the URL carried, if any (verified like any result; a bad one leaves the reference usable).",
    body: { json: AttachSessionRequest },
    responses: responses(
      { 200: { description: 'The session and its stream', json: AttachSessionResponse } },
      INVALID_REQUEST,
      error(400, 'The carried result does not verify', ['malformed_token', 'decryption_failed', 'malformed_payload', 'invalid_signature', 'expired', 'invalid_claims']),
      GUEST_TICKET_IN_BODY,
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(404, 'The reference is spent, unknown or expired', ['unknown_reference']),
      error(409, 'The carried result was used before', ['result_replayed', 'result_already_received', 'login_refused']),
      TOO_LARGE,
      SESSION_STARTS_LIMITED,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'get',
    path: '/sessions/{session_id}/events',
    operationId: 'streamSession',
    tag: 'login',
    summary: "The login's outcome as server-sent events",
    description:
      "`retry: 3000` first; `state` (id 1) at once; then exactly one `result` or `expired` (id 2), after which the stream ends. A `: heartbeat` comment every 15 s. A reconnect with `Last-Event-ID: 2` gets 204 and the session's attributes go. One stream per session: a newer one ends the older.",
    security: ['streamTokenQuery'],
    parameters: [
      SESSION_ID,
      // Also the security scheme; named here too, so generated clients take it as a parameter.
      { in: 'query', name: 'token', description: 'The stream token, as `events_url` carries it', required: true },
      { in: 'header', name: 'Last-Event-ID', description: 'The last event the client saw (`2`: it has the outcome)' },
    ],
    responses: responses(
      {
        200: {
          description: 'The stream',
          events: {
            state: { description: 'At once: the login is under way', data: StateEvent },
            result: { description: 'The verified outcome (`succes` with the attributes, or `failed`)', data: ResultEvent },
            expired: { description: 'The session ended without an outcome' },
          },
        },
      },
      { 204: { description: 'The client has the outcome (Last-Event-ID 2): nothing more' } },
      SESSION_TOKEN_REFUSED,
      STREAMS_FULL,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'get',
    path: '/sessions/{session_id}/status',
    operationId: 'getSessionStatus',
    tag: 'login',
    summary: 'What the stream would say now (the polling fallback)',
    description: 'For a stream a proxy buffers, or a phone that was in the background. A result given here is delivered as on the stream.',
    security: ['streamToken'],
    parameters: [SESSION_ID],
    responses: responses(
      { 200: { description: 'The state', json: SessionStatus, headers: ['Cache-Control'] } },
      error(401, 'No stream token', ['token_required']),
      SESSION_TOKEN_REFUSED,
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(410, 'The result was delivered and its attributes deleted', ['result_delivered']),
      error(429, 'More than 60 polls a minute on this session', ['rate_limited'], ['Retry-After']),
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/sessions/{session_id}/activity',
    operationId: 'reportActivity',
    tag: 'login',
    summary: "The resident is active: keep the auth plugin's session alive",
    description: "Forwarded to the result's `session_url` at most once a minute. Takes no body.",
    security: ['streamToken'],
    parameters: [SESSION_ID],
    responses: responses(
      { 202: { description: 'Taken; `forwarded` says whether it went to the auth plugin now', json: ActivityResponse } },
      SESSION_TOKEN_REFUSED,
      originRefused('IDC_ALLOWED_ORIGINS'),
      TOO_LARGE,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/sessions/{session_id}/logout',
    operationId: 'logout',
    tag: 'login',
    summary: "End the login (and the auth plugin's session)",
    description: 'Deletes the session. Takes no body.',
    security: ['streamToken'],
    parameters: [SESSION_ID],
    responses: responses(
      { 200: { description: 'Logged out', json: LogoutResponse } },
      SESSION_TOKEN_REFUSED,
      originRefused('IDC_ALLOWED_ORIGINS'),
      TOO_LARGE,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/launch/{session_id}',
    operationId: 'launchLogin',
    tag: 'login',
    summary: 'The browser goes to the login (a top-level form POST from the widget)',
    description:
      "Only with an Origin on IDC_ALLOWED_ORIGINS, the session's launch token, and once. Sets the login's binding cookie and answers a page that goes on to the core's `client_url`. Refusals are pages too. See docs/binding.md.",
    parameters: [SESSION_ID, LANG],
    body: { form: { token: { description: 'The `launch_token` of `POST /sessions`' } } },
    responses: {
      200: { description: 'A page that goes on to the login', html: true, headers: ['Set-Cookie'] },
      403: { description: 'The origin, the token or a second launch is refused', html: true },
      404: { description: 'No such session', html: true },
      413: { description: 'The body is over 1 KB', html: true },
      415: { description: 'Not a form', html: true },
      503: { description: 'The store is briefly unavailable', errors: ['store_unavailable'], headers: ['Retry-After'] },
    },
  },
  {
    method: 'get',
    path: '/launch/{session_id}',
    operationId: 'launchByGet',
    tag: 'login',
    summary: 'Refused: a launch is a form POST',
    parameters: [SESSION_ID, LANG],
    responses: { 405: { description: 'A page saying the link cannot be opened this way', html: true } },
  },
  {
    method: 'get',
    path: '/return/{session_id}',
    operationId: 'returnFromLogin',
    tag: 'login',
    summary: 'The `comm_url`: where the resident lands after the login',
    description:
      "A widget-started login must come back with its binding cookie; from another browser the result is refused for good. Takes `?result=<JWE>` (verified like the attr_url) and removes it from the address bar. As the widget's popup it closes itself, else it goes to the session's `return_url`. Strict CSP, `Referrer-Policy: no-referrer`.",
    parameters: [SESSION_ID, LANG, { in: 'query', name: 'result', description: 'The auth plugin\'s result (a compact JWE), when it returns it in the URL' }],
    responses: {
      200: { description: 'Done: back to the conversation', html: true },
      400: { description: 'The result does not verify', html: true },
      403: { description: 'The login ended in another browser than the one that started it', html: true },
      404: { description: 'No such session', html: true },
      409: { description: 'The result was used before, or the session has one', html: true },
      503: { description: 'The store is briefly unavailable', errors: ['store_unavailable'], headers: ['Retry-After'] },
    },
  },
  {
    method: 'get',
    path: '/requests/events',
    operationId: 'streamRequests',
    tag: 'requests',
    summary: "The conversation's request to verify, as server-sent events",
    description: "A `request` event at connect (`{\"request\":null}` when there is none) and on every change. The widget's `listen` attribute holds this stream while no login runs.",
    security: ['guestTicket'],
    responses: responses(
      { 200: { description: 'The stream', events: { request: { description: "The conversation's latest request (without `identity_id`), or null", data: CurrentRequest } } } },
      ticketRefused('guest'),
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(429, 'The conversation has too many open request streams (IDC_REQUEST_STREAMS_PER_CONVERSATION)', ['too_many_request_streams']),
      STREAMS_FULL,
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'get',
    path: '/requests/current',
    operationId: 'getCurrentRequest',
    tag: 'requests',
    summary: "The conversation's request to verify now (the polling fallback)",
    security: ['guestTicket'],
    responses: responses(
      { 200: { description: 'The latest request (without `identity_id`), or null', json: CurrentRequest, headers: ['Cache-Control'] } },
      ticketRefused('guest'),
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(429, 'More than 60 reads and declines a minute in this conversation', ['rate_limited'], ['Retry-After']),
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/requests/{request_id}/decline',
    operationId: 'declineRequest',
    tag: 'requests',
    summary: "The resident declines the employee's request",
    description: 'Takes no body.',
    security: ['guestTicket'],
    parameters: [pathParameter('request_id', "The request's `id`")],
    responses: responses(
      { 204: { description: 'Declined' } },
      ticketRefused('guest'),
      originRefused('IDC_ALLOWED_ORIGINS'),
      error(404, 'No such request in this conversation', ['unknown_request']),
      error(409, 'The request was answered or has expired', ['request_not_pending']),
      TOO_LARGE,
      error(429, 'More than 60 reads and declines a minute in this conversation', ['rate_limited'], ['Retry-After']),
      STORE_UNAVAILABLE,
    ),
  },
];
