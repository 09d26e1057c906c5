/**
 * The employee's side (CORS for IDC_AGENT_ORIGINS), authorised by a host
 * ticket: who the residents of one conversation are, verified, live; and the
 * requests to verify.
 */
import { AgentIdentitiesResponse, CreateVerificationRequest, CurrentRequest, Identity, VerificationRequest } from '../protocol.ts';
import { CORE_BUSY, error, originRefused, responses, STORE_UNAVAILABLE, STREAMS_FULL, ticketRefused, TOO_LARGE } from './common-responses.ts';
import type { Operation } from './operation.ts';

const HOST = responses(ticketRefused('host'), originRefused('IDC_AGENT_ORIGINS'), STORE_UNAVAILABLE);

export const agentOperations: Operation[] = [
  {
    method: 'get',
    path: '/agent/identities',
    operationId: 'listIdentities',
    tag: 'agent',
    summary: "The conversation's identities, oldest first",
    description: 'Attributes only while `verified`. Every identity listed is an audit record.',
    security: ['hostTicket'],
    responses: responses({ 200: { description: 'The identities', json: AgentIdentitiesResponse, headers: ['Cache-Control'] } }, HOST),
  },
  {
    method: 'delete',
    path: '/agent/identities',
    operationId: 'forgetIdentities',
    tag: 'agent',
    summary: 'The employee is done: delete every attribute of the conversation',
    description: 'Queued webhooks carrying them too; the identities show as `forgotten`, for good, and a webhook says so for each.',
    security: ['hostTicket'],
    responses: responses({ 204: { description: 'Forgotten' } }, HOST, TOO_LARGE),
  },
  {
    method: 'get',
    path: '/agent/events',
    operationId: 'streamIdentities',
    tag: 'agent',
    summary: "The conversation's identities and request, as server-sent events",
    description: 'One `identity` event per identity at connect, then one per change (its lapse included); a `request` event at connect (when there is one) and on each change; `ticket_expired` and the end of the stream when the ticket runs out.',
    security: ['hostTicket'],
    responses: responses(
      {
        200: {
          description: 'The stream',
          events: {
            identity: { description: 'An identity as it stands now', data: Identity },
            request: { description: "The conversation's request to verify as it stands now", data: CurrentRequest },
            ticket_expired: { description: 'The host ticket ran out: the stream ends' },
          },
        },
      },
      HOST,
      error(429, 'The conversation has too many open employee streams (IDC_AGENT_STREAMS_PER_CONVERSATION)', ['too_many_agent_streams']),
      STREAMS_FULL,
    ),
  },
  {
    method: 'post',
    path: '/agent/requests',
    operationId: 'createVerificationRequest',
    tag: 'agent',
    summary: "Ask the conversation's resident to log in for a purpose",
    description: 'One open request per conversation; pending until a login for it starts (`started`), the resident declines, or it expires (IDC_REQUEST_TTL_SECONDS). A `verification.requested` webhook follows.',
    security: ['hostTicket'],
    body: { json: CreateVerificationRequest },
    responses: responses(
      { 201: { description: 'The request', json: VerificationRequest, headers: ['Cache-Control'] } },
      error(400, 'The purpose is malformed or the core does not know it', ['invalid_request', 'unknown_purpose']),
      HOST,
      error(409, 'The conversation has a pending request', ['request_pending']),
      TOO_LARGE,
      error(429, 'More than 10 requests a minute in this conversation', ['rate_limited'], ['Retry-After']),
      error(502, 'The core is down or answered nonsense', ['core_unavailable']),
      CORE_BUSY,
    ),
  },
  {
    method: 'get',
    path: '/agent/requests',
    operationId: 'getVerificationRequest',
    tag: 'agent',
    summary: "The conversation's latest request to verify",
    security: ['hostTicket'],
    responses: responses({ 200: { description: 'The request, or null', json: CurrentRequest, headers: ['Cache-Control'] } }, HOST),
  },
];
