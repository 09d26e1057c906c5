/**
 * Server to server, on the internal URL (IDC_INTERNAL_URL): the core starting
 * a communication, and auth plugins posting results to the attr_url.
 */
import { StartCommunicationRequest, StartCommunicationResponse, ResultAccepted } from '../protocol.ts';
import { error, INVALID_REQUEST, responses, STORE_UNAVAILABLE, TOO_LARGE } from './common-responses.ts';
import { pathParameter, type Operation } from './operation.ts';

const RESULT_REFUSED = ['malformed_token', 'decryption_failed', 'malformed_payload', 'invalid_signature', 'expired', 'invalid_claims'] as const;

export const coreOperations: Operation[] = [
  {
    method: 'post',
    path: '/start_communication',
    operationId: 'startCommunication',
    tag: 'core',
    summary: 'The core starts a conversation (a login that began outside the chat)',
    description:
      "Answers the chat page's URL with a one-time reference (`?id-contact-session=`), and an `attr_url` unless IDC_USE_ATTR_URL=false or an `auth_result` came. An invalid `auth_result` is refused and no session is made.",
    security: ['pluginBasic'],
    securityOptional: true,
    internal: true,
    body: { json: StartCommunicationRequest },
    responses: responses(
      { 200: { description: 'Where the resident goes on', json: StartCommunicationResponse, headers: ['Cache-Control'] } },
      INVALID_REQUEST,
      error(400, '`auth_result` does not verify', RESULT_REFUSED),
      error(401, 'IDC_PLUGIN_AUTH is set and the Basic credentials are missing or wrong', ['unauthorized'], ['WWW-Authenticate']),
      error(409, '`auth_result` was used before', ['result_replayed']),
      TOO_LARGE,
      error(503, 'Core-started sessions need IDC_CHAT_URL, or too many sessions are in progress', ['not_configured', 'too_many_sessions'], ['Retry-After']),
      STORE_UNAVAILABLE,
    ),
  },
  {
    method: 'post',
    path: '/attributes/{attr_id}',
    operationId: 'postResult',
    tag: 'core',
    summary: "The attr_url: an auth plugin's signed and encrypted result",
    description:
      'Decrypts the JWE, verifies the nested JWS, attaches the verified result to its session and wakes its stream. A refused result is never stored or streamed. The attr_id is looked up before the body is read.',
    internal: true,
    parameters: [pathParameter('attr_id', 'The unguessable id of the `attr_url` given to the core')],
    body: { jwt: 'A compact JWE (RSA-OAEP(-256) or ECDH-ES; A128CBC-HS256 or A256GCM) whose payload `{"njwt"}` is a JWS (RS256, PS256 or ES256) with the claims `sub: "id-contact-attributes"`, `status` (`succes` or `failed`), `attributes`, `session_url`?, `iat`, `exp`' },
    responses: responses(
      { 200: { description: 'Taken', json: ResultAccepted } },
      error(400, 'The result does not verify', RESULT_REFUSED),
      error(404, 'No session waits for a result here, or it has ended', ['unknown_attr_url', 'unknown_session']),
      error(409, 'The session has its result, the token was used before, or the login returned in another browser', ['result_already_received', 'result_replayed', 'login_refused']),
      TOO_LARGE,
      error(415, 'Content-Type is not application/jwt', ['unsupported_media_type']),
      STORE_UNAVAILABLE,
    ),
  },
];
